package dev.scion.engine.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StopMatcherTest {

    @Test
    void stopStringSplitAcrossDeltasIsHeldThenCut() {
        StopMatcher m = new StopMatcher(List.of("###END"));
        StopMatcher.Step s1 = m.accept("The answer is 4.#");
        assertEquals("The answer is 4.", s1.text());
        assertFalse(s1.stopped());
        StopMatcher.Step s2 = m.accept("##E");
        assertEquals("", s2.text());
        StopMatcher.Step s3 = m.accept("ND and more");
        assertEquals("", s3.text());
        assertEquals("###END", s3.matchedStop());
        assertTrue(m.stopped());
        assertThrows(IllegalStateException.class, () -> m.accept("x"));
    }

    @Test
    void heldTailIsReleasedWhenItStopsLookingLikeAStop() {
        StopMatcher m = new StopMatcher(List.of("</s>"));
        assertEquals("a ", m.accept("a </").text());
        assertEquals("</b> c", m.accept("b> c").text());
        assertEquals("d", m.accept("d<").text());
        assertEquals("<", m.flush());
        assertFalse(m.stopped());
    }

    @Test
    void earliestOfSeveralStopsWins() {
        StopMatcher m = new StopMatcher(List.of("world", "lo w", "\n\n"));
        StopMatcher.Step s = m.accept("hello world\n\n");
        assertEquals("hel", s.text());
        assertEquals("lo w", s.matchedStop());
    }

    @Test
    void stopInsideOneDeltaEmitsTextBeforeIt() {
        StopMatcher m = new StopMatcher(List.of("STOP"));
        assertEquals("abc", m.accept("ab").text() + m.accept("cSTOPdef").text());
        assertTrue(m.stopped());
    }

    @Test
    void noStopsPassesEverythingThrough() {
        StopMatcher m = new StopMatcher(List.of());
        assertEquals("anything <|im_end|>", m.accept("anything <|im_end|>").text());
        assertEquals("", m.flush());
    }

    @Test
    void emojiStopMatchesAcrossDeltas() {
        StopMatcher m = new StopMatcher(List.of("🛑!"));
        assertEquals("go ", m.accept("go 🛑").text());
        StopMatcher.Step s = m.accept("!");
        assertEquals("", s.text());
        assertEquals("🛑!", s.matchedStop());
    }

    @Test
    void rejectsEmptyAndMalformedStops() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StopMatcher(List.of("ok", "")));
        assertTrue(e.getMessage().contains("stop[1]"));
        assertThrows(IllegalArgumentException.class, () -> new StopMatcher(List.of("\uDC00x")));
    }
}
