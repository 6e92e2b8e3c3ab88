package dev.scion.server.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code data} payloads of a {@code text/event-stream} body, per the WHATWG event-stream format: events end
 * at a blank line, several {@code data:} lines of one event join with newlines, comment lines (starting with a
 * colon) and other fields are skipped.
 *
 * @param data   each complete event's data
 * @param cutOff whether the body ends inside an event (data not followed by a blank line), which clients drop
 */
record ServerSentEvents(List<String> data, boolean cutOff) {

    static ServerSentEvents parse(String body) {
        List<String> events = new ArrayList<>();
        StringBuilder data = null;
        String normalised = body.replace("\r\n", "\n").replace('\r', '\n');
        List<String> lines = new ArrayList<>(List.of(normalised.split("\n", -1)));
        // What follows the last line break is the rest of an unfinished line, not a blank line.
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        for (String line : lines) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(data.toString());
                    data = null;
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return new ServerSentEvents(List.copyOf(events), data != null);
    }
}
