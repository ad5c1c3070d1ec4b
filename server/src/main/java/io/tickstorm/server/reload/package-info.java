/**
 * Files the server re-reads while it runs (credentials, entitlements): change detection by content digest and
 * failures reported once. Depends on nothing else of the server, so the packages that reload files do not depend on
 * each other or on the configuration.
 */
package io.tickstorm.server.reload;
