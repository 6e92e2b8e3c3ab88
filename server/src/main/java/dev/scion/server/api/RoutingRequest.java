package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.engine.store.AutoRollback;
import dev.scion.engine.store.InvalidRoutingException;
import dev.scion.engine.store.Routing;
import dev.scion.server.errors.InvalidRequestException;
import java.util.Iterator;
import java.util.List;

/**
 * A validated {@code PUT /v1/adapters/{name}/routing} body. Only types are checked here, strictly (a version is a
 * whole number that fits in 32 bits: {@code "2"}, {@code 2.5}, {@code true} and {@code 2^32 + 2} are refused, not
 * converted); the routing's rules are the store's {@link Routing}, the one model, whose refusals keep the field they
 * name as {@code param}. An absent or null field is null ({@code canary_percent}: 0; {@code min_requests}:
 * {@link AutoRollback#DEFAULT_MIN_REQUESTS}); a field the routing does not have is refused, so that a misspelt
 * {@code canary_percentage} does not silently route nobody to the canary.
 */
public record RoutingRequest(Routing routing) {

    private static final List<String> FIELDS = List.of("stable", "canary", "canary_percent", "sticky", "auto_rollback");
    private static final List<String> AUTO_ROLLBACK_FIELDS = List.of("max_error_rate", "min_requests");

    public static RoutingRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        refuseUnknown(body, FIELDS, "");
        Integer stable = int32(body, "stable", "stable");
        Integer canary = int32(body, "canary", "canary");
        Integer percent = int32(body, "canary_percent", "canary_percent");
        String sticky = Fields.optionalString(body, "sticky", "sticky");
        JsonNode rollback = Fields.optionalObject(body, "auto_rollback", "auto_rollback");
        try {
            return new RoutingRequest(new Routing(stable, canary, percent == null ? 0 : percent, sticky,
                    rollback == null ? null : autoRollback(rollback)));
        } catch (InvalidRoutingException e) {
            throw new InvalidRequestException(e.getMessage(), e.field());
        }
    }

    private static AutoRollback autoRollback(JsonNode o) {
        refuseUnknown(o, AUTO_ROLLBACK_FIELDS, "auto_rollback.");
        // No default rate: 0 would roll the canary back on its first error, 1 never; only the operator knows.
        JsonNode rate = Fields.value(o, "max_error_rate");
        if (rate == null) {
            throw new InvalidRequestException("auto_rollback.max_error_rate is required: the error rate above which"
                    + " the canary is rolled back, between 0 and 1", "auto_rollback.max_error_rate");
        }
        if (!rate.isNumber()) {
            throw new InvalidRequestException("auto_rollback.max_error_rate must be a number",
                    "auto_rollback.max_error_rate");
        }
        Integer minRequests = int32(o, "min_requests", "auto_rollback.min_requests");
        return new AutoRollback(rate.doubleValue(), minRequests == null ? AutoRollback.DEFAULT_MIN_REQUESTS
                : minRequests);
    }

    /** A whole number that fits in an int, or null; its range is the routing's to judge. */
    private static Integer int32(JsonNode object, String name, String param) {
        JsonNode v = Fields.value(object, name);
        if (v == null) {
            return null;
        }
        long l = Fields.integer(v, param);
        if (l != (int) l) {
            throw new InvalidRequestException(param + " is out of range, got " + v.asText(), param);
        }
        return (int) l;
    }

    private static void refuseUnknown(JsonNode object, List<String> known, String prefix) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new InvalidRequestException("unknown field " + prefix + field + "; "
                        + (prefix.isEmpty() ? "the routing" : prefix.substring(0, prefix.length() - 1))
                        + " has " + String.join(", ", known), prefix + field);
            }
        }
    }
}
