package dev.scion.server.http;

import dev.scion.server.adapters.audit.AuditLog;
import dev.scion.server.errors.InvalidRequestException;
import io.vertx.ext.web.RoutingContext;

/**
 * The paging parameters of {@code GET /v1/adapters/{name}/events}, as OpenAI's list endpoints have them:
 * {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}), {@code after} (an event id) and
 * {@code order} ({@code asc}, oldest first, the default; or {@code desc}).
 *
 * @param after the sequence number of the event the page starts after, or null
 */
record EventsQuery(Long after, int limit, boolean newestFirst) {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    /** @throws InvalidRequestException naming the bad parameter */
    static EventsQuery of(RoutingContext rc) {
        return new EventsQuery(after(rc.queryParams().get("after")), limit(rc.queryParams().get("limit")),
                newestFirst(rc.queryParams().get("order")));
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        if (text.matches("[0-9]{1,3}")) {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        }
        throw new InvalidRequestException("limit must be an integer between 1 and " + MAX_LIMIT + ", got '"
                + shorten(text) + "'", "limit");
    }

    private static Long after(String text) {
        if (text == null) {
            return null;
        }
        if (text.startsWith(AuditLog.ID_PREFIX) && text.substring(AuditLog.ID_PREFIX.length()).matches("[0-9]{1,18}")) {
            return Long.parseLong(text.substring(AuditLog.ID_PREFIX.length()));
        }
        throw new InvalidRequestException("after must be an event id such as '" + AuditLog.ID_PREFIX + "42', got '"
                + shorten(text) + "'", "after");
    }

    private static boolean newestFirst(String text) {
        if (text == null || text.equals("asc")) {
            return false;
        }
        if (text.equals("desc")) {
            return true;
        }
        throw new InvalidRequestException("order must be 'asc' or 'desc', got '" + shorten(text) + "'", "order");
    }

    /** A query value as echoed in an error: never a long one. */
    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
