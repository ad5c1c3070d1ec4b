package io.tickstorm.protocol;

/** Who may send a frame type (PROTOCOL.md §3). */
public enum Direction {
    CLIENT_TO_SERVER,
    SERVER_TO_CLIENT
}
