package dev.scion.server.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    @Test
    void splitsEventsAtBlankLines() {
        assertEquals(new ServerSentEvents(List.of("{\"a\":1}", "[DONE]"), false),
                ServerSentEvents.parse("data: {\"a\":1}\n\ndata: [DONE]\n\n"));
    }

    @Test
    void joinsMultiLineDataAndSkipsCommentsAndOtherFields() {
        assertEquals(new ServerSentEvents(List.of("one\ntwo", "x"), false),
                ServerSentEvents.parse(": keep-alive\n\ndata: one\ndata:two\nid: 7\n\nevent: e\r\ndata: x\r\n\r\n"));
    }

    @Test
    void flagsAnEventWithoutItsBlankLine() {
        assertEquals(new ServerSentEvents(List.of("a"), true), ServerSentEvents.parse("data: a\n\ndata: [DONE]\n"));
    }
}
