package dev.scion.trainer.data;

/** The speakers a training conversation may have; the chat template sees {@link #wireName()}. */
public enum Role {
    SYSTEM("system"),
    USER("user"),
    ASSISTANT("assistant"),
    /** A tool's result, answering one of the assistant's calls: prompt, never trained. */
    TOOL("tool");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The role string chat templates compare against ({@code message['role']}). */
    public String wireName() {
        return wireName;
    }
}
