/**
 * The per-connection Netty pipeline: admission, TLS, traffic counting, frame codec, authentication, the session
 * (subscribe, heartbeat), slow-consumer protection and the error tail that turns every failure into exactly one
 * ERROR frame and a close. {@link io.tickstorm.server.pipeline.ServerChannelInitializer} holds the order and names.
 */
package io.tickstorm.server.pipeline;
