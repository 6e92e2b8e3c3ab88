package dev.scion.server.engine;

/** The engine's queue is at capacity; the HTTP layer answers 429 with Retry-After. */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(int capacity) {
        super("the server is at capacity (" + capacity + " requests running or queued); retry shortly");
    }
}
