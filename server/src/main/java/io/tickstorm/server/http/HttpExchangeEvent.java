package io.tickstorm.server.http;

/**
 * Progress of one request on an HTTP connection, fired through the whole pipeline (from its head) by the routing
 * handler so that {@link RequestDeadlineHandler}, which sits before the codec, can move its deadline.
 */
enum HttpExchangeEvent {
    /** A whole request was decoded and is being answered. */
    REQUEST_RECEIVED,
    /** The response was written and the connection stays open for the next request. */
    RESPONSE_SENT
}
