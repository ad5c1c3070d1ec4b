package io.tickstorm.server.pipeline;

/**
 * How far a connection's authentication has come. The {@link AuthHandler} fires these through the whole pipeline,
 * from its head ({@code pipeline.fireUserEventTriggered}), so that handlers nearer the socket, which a frame-level
 * handler cannot otherwise reach, can react; {@link PreAuthGuard} is the one that does.
 */
public enum AuthEvent {
    /** An AUTH is being checked: nothing more may be read from the socket or decoded until it is answered. */
    VERIFYING,
    /** The AUTH succeeded and its ACK is written: the pre-auth limits no longer apply. */
    AUTHENTICATED
}
