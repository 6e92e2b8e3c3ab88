package dev.scion.server.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * What a streamed chat or text completion must look like: at least one JSON chunk, each valid against the
 * stream chunk schema, then exactly one final {@code data: [DONE]}, and nothing after it. A stream that failed
 * after it started has one {@code data: {"error": ...}} event (an ErrorResponse) right before the [DONE].
 */
final class EventStreamCheck {

    static final String DONE = "[DONE]";

    private EventStreamCheck() {}

    /** @param chunkSchema the component schema of each JSON event */
    static List<String> violations(ComponentSchemas schemas, String chunkSchema, String body) {
        ServerSentEvents stream = ServerSentEvents.parse(body);
        List<String> events = stream.data();
        List<String> errors = new ArrayList<>();
        if (stream.cutOff()) {
            errors.add("the last event is not terminated by a blank line");
        }
        if (events.isEmpty() || !events.get(events.size() - 1).equals(DONE)) {
            errors.add("the stream does not end with data: [DONE]");
        }
        int chunks = 0;
        for (int i = 0; i < events.size(); i++) {
            String event = events.get(i);
            if (event.equals(DONE)) {
                if (i != events.size() - 1) {
                    errors.add("event " + i + ": data: [DONE] before the end of the stream");
                }
                continue;
            }
            boolean lastBeforeDone = i == events.size() - 2 && events.get(events.size() - 1).equals(DONE);
            String schema = lastBeforeDone && event.startsWith("{\"error\":") ? OpenApiContract.ERROR : chunkSchema;
            if (schema.equals(chunkSchema)) {
                chunks++;
            }
            for (String error : schemas.violations(schema, event)) {
                errors.add("event " + i + " (" + schema + "): " + error);
            }
        }
        if (chunks == 0) {
            errors.add("the stream has no chunk before data: [DONE]");
        }
        return errors;
    }
}
