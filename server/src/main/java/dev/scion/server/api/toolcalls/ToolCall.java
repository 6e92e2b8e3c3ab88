package dev.scion.server.api.toolcalls;

import java.security.SecureRandom;

/**
 * One parsed call as OpenAI returns it: {@code id} ("call_" and 24 random letters and digits), the function's name
 * and its arguments as a JSON string.
 */
public record ToolCall(String id, String name, String arguments) {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    static ToolCall of(Segment.Call call) {
        return new ToolCall(newId(), call.name(), call.arguments());
    }

    static String newId() {
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
