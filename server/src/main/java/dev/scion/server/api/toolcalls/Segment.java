package dev.scion.server.api.toolcalls;

/** A piece of a model's output: plain text, or one call (name and arguments as a JSON object's text). */
public sealed interface Segment {
    record Text(String text) implements Segment {}

    record Call(String name, String arguments) implements Segment {}
}
