package dev.scion.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.store.AdapterInfo;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.Routing;
import dev.scion.server.adapters.audit.AuditLog;
import dev.scion.server.adapters.routing.AdapterHealth;
import dev.scion.trainer.LearningMatrix;
import java.util.List;

/**
 * JSON for the adapter endpoints: manifests, routing, an adapter with its versions, a page of its audit events, the
 * learning report.
 */
final class AdapterJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdapterJson() {}

    static ObjectNode manifest(AdapterManifest m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", m.name() + "@" + m.version());
        n.put("object", "adapter.version");
        n.put("name", m.name());
        n.put("version", m.version());
        n.put("created", m.created().getEpochSecond());
        n.put("source", m.source().name().toLowerCase(java.util.Locale.ROOT));
        n.put("rank", m.rank());
        n.put("size_bytes", m.sizeBytes());
        ArrayNode targets = n.putArray("targets");
        m.targets().forEach(targets::add);
        n.set("sha256", JSON.valueToTree(m.sha256()));
        n.set("metrics", JSON.valueToTree(m.metrics()));
        return n;
    }

    /** A page of audit events, as OpenAI's lists: {@code data}, {@code has_more}, {@code first_id}, {@code last_id}. */
    static ObjectNode events(AuditLog.Page page) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (AuditLog.Entry entry : page.entries()) {
            AuditLog.Event e = entry.event();
            ObjectNode n = data.addObject();
            n.put("id", entry.id());
            n.put("time", e.time().toString());
            n.put("action", e.action());
            n.put("actor", e.actor());
            n.put("outcome", e.outcome());
            n.put("detail", e.detail());
        }
        List<AuditLog.Entry> entries = page.entries();
        root.put("has_more", page.hasMore());
        root.put("first_id", entries.isEmpty() ? null : entries.get(0).id());
        root.put("last_id", entries.isEmpty() ? null : entries.get(entries.size() - 1).id());
        return root;
    }

    static ObjectNode routing(Routing r) {
        ObjectNode n = JSON.createObjectNode();
        if (r.stable() == null) {
            n.putNull("stable");
        } else {
            n.put("stable", r.stable());
        }
        if (r.canary() == null) {
            n.putNull("canary");
        } else {
            n.put("canary", r.canary());
        }
        n.put("canary_percent", r.canaryPercent());
        n.put("sticky", r.sticky());
        if (r.autoRollback() == null) {
            n.putNull("auto_rollback");
        } else {
            ObjectNode a = n.putObject("auto_rollback");
            a.put("max_error_rate", r.autoRollback().maxErrorRate());
            a.put("min_requests", r.autoRollback().minRequests());
        }
        return n;
    }

    /** The learning report of {@code version}: its lineage's rounds, the matrix and the two summary figures. */
    static ObjectNode learning(LearningMatrix m, int version) {
        ObjectNode n = JSON.createObjectNode();
        n.put("object", "adapter.learning");
        n.put("adapter", m.adapter());
        n.put("version", version);
        ArrayNode rounds = n.putArray("rounds");
        for (int i = 0; i < m.rounds(); i++) {
            rounds.addObject().put("version", m.versions().get(i)).put("examples", m.examples()[i]);
        }
        ArrayNode exact = n.putArray("exact");
        ArrayNode accuracy = n.putArray("accuracy");
        for (int i = 0; i < m.rounds(); i++) {
            ArrayNode e = exact.addArray();
            ArrayNode a = accuracy.addArray();
            for (int j = 0; j < m.rounds(); j++) {
                double acc = m.accuracy(i, j);
                if (Double.isNaN(acc)) {
                    e.addNull();
                    a.addNull();
                } else {
                    e.add(m.exact()[i][j]);
                    a.add(acc);
                }
            }
        }
        putFinite(n, "backward_transfer", m.backwardTransfer());
        putFinite(n, "average_forgetting", m.averageForgetting());
        return n;
    }

    private static void putFinite(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }

    /** @param unhealthy the versions this server marks unhealthy now */
    static ObjectNode info(AdapterInfo info, List<AdapterHealth.Unhealthy> unhealthy) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", info.name());
        n.put("object", "adapter");
        n.put("latest", info.latest());
        n.set("routing", routing(info.routing()));
        ArrayNode versions = n.putArray("versions");
        info.versions().forEach(v -> versions.add(manifest(v)));
        ArrayNode sick = n.putArray("unhealthy_versions");
        for (AdapterHealth.Unhealthy u : unhealthy) {
            ObjectNode v = sick.addObject();
            v.put("version", u.version());
            v.put("reason", u.reason());
            v.put("consecutive_failures", u.consecutiveFaults());
        }
        return n;
    }
}
