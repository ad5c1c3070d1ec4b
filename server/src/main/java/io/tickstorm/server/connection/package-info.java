/**
 * What every part of the server may do to a client connection, whoever owns its pipeline: mark and read its closing
 * state ({@link io.tickstorm.server.connection.ConnectionState}) and send it exactly one ERROR before closing it
 * ({@link io.tickstorm.server.connection.ErrorResponder}). Both the pipeline handlers and the fan-out use it, so
 * neither has to reach into the other's package.
 */
package io.tickstorm.server.connection;
