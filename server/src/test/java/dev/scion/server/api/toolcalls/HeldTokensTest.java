package dev.scion.server.api.toolcalls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The latency tool parsing adds to streamed content, in tokens: how many later tokens each token's text waits
 * for before it is sent. Tokens are cut as BPE vocabularies cut prose (a word with its leading space, newlines on
 * their own).
 */
class HeldTokensTest {

    /** For each token, how many more tokens were pushed before its last character went out as content. */
    private static List<Integer> heldTokens(ToolCallFormat format, List<String> tokens) {
        ToolCallStream stream = new ToolCallStream(format, true);
        List<Integer> held = new ArrayList<>();
        int pushedChars = 0;
        int sentChars = 0;
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            pushedChars += tokens.get(i).length();
            ends.add(pushedChars);
            sentChars += stream.push(tokens.get(i)).content().length();
            while (held.size() < ends.size() && ends.get(held.size()) <= sentChars) {
                held.add(i - held.size());
            }
        }
        sentChars += stream.finish().content().length();
        while (held.size() < ends.size()) {
            held.add(tokens.size() - held.size()); // released only by the end of the output
        }
        assertEquals(pushedChars, sentChars, "no call in these outputs: every character is content");
        return held;
    }

    @Test
    void hermesHoldsProseOnlyAtWhitespaceTokens() {
        List<String> tokens = List.of("The", " weather", " in", " Paris", " is", " mild", ".", "\n\n", "Tomorrow",
                " it", " rains", ".");
        List<Integer> held = heldTokens(ToolCallFormat.HERMES, tokens);
        // the "\n\n" token could be the layout before a <tool_call>: it waits for the next token; nothing else waits
        assertEquals(List.of(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0), held);
    }

    @Test
    void hermesHoldsAPossibleMarkerUntilItCannotBeOne() {
        List<String> tokens = List.of("Use", " <", "tool", "_c", "ar", ">", " tags");
        assertEquals(List.of(0, 3, 2, 1, 0, 0, 0), heldTokens(ToolCallFormat.HERMES, tokens));
    }

    @Test
    void llama3HoldsOnlyOutputsThatStartLikeACall() {
        assertEquals(List.of(0, 0, 0), heldTokens(ToolCallFormat.LLAMA3_JSON, List.of("Sunny", " and", " warm")));
        // an output starting with '{' may be a call until it ends
        assertEquals(List.of(3, 2, 1), heldTokens(ToolCallFormat.LLAMA3_JSON, List.of("{\"", "a\":", " 1}")));
    }
}
