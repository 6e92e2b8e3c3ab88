package dev.scion.server.http;

import dev.scion.engine.runtime.EmbeddingPooling;
import dev.scion.engine.runtime.Embeddings;
import dev.scion.engine.text.Tokenizer;
import dev.scion.server.ServingModel;
import dev.scion.server.adapters.ModelTarget;
import dev.scion.server.adapters.cache.AdapterKey;
import dev.scion.server.api.EmbeddingsJson;
import dev.scion.server.api.EmbeddingsRequest;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/embeddings} for the base model and for adapters ({@code model} addressed as for chat): inputs are
 * parsed and tokenized on a worker, then embedded on the engine thread between decoding steps, a few inputs at a
 * time, so a large request slows decoding but never stops it.
 */
final class EmbeddingsRouter {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingsRouter.class);
    /** OpenAI's limit on the tokens of all inputs of one request together. */
    static final int MAX_REQUEST_TOKENS = 300_000;
    /** One engine task embeds at most this many inputs ... */
    private static final int TASK_INPUTS = 16;
    /** ... of at most this many positions together, padding included. */
    private static final int TASK_POSITIONS = 4096;

    private final Vertx vertx;
    private final ServingModel serving;
    private final ServerMetrics metrics;
    private final ModelRequests models;
    private final EmbeddingPooling pooling;

    EmbeddingsRouter(Vertx vertx, ServingModel serving, ServerMetrics metrics, ModelRequests models,
            EmbeddingPooling pooling) {
        this.vertx = vertx;
        this.serving = serving;
        this.metrics = metrics;
        this.models = models;
        this.pooling = pooling;
    }

    void mount(Router router, Handler<RoutingContext> body) {
        router.post("/v1/embeddings").handler(body).handler(this::embeddings);
    }

    private record Prepared(EmbeddingsRequest request, AdapterKey adapter, List<int[]> inputs, int tokens) {}

    private void embeddings(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/v1/embeddings");
        vertx.executeBlocking(() -> prepare(rc, log), false)
                .compose(p -> models.lease(p.adapter()).compose(target -> embed(p, target)
                        .map(vectors -> EmbeddingsJson.response(target.modelId(), vectors, p.request().base64(),
                                p.tokens()))
                        .onComplete(done -> target.close())
                        .onSuccess(json -> {
                            rc.response().putHeader("X-Scion-Model", target.modelId());
                            log.model(target.modelId());
                            log.tokens(p.tokens(), 0);
                        })))
                .onSuccess(json -> log.json(rc, 200, json))
                .onFailure(e -> log.fail(rc, HttpFailures.answer(e, LOG, "an embeddings request")));
    }

    /** On a worker: parses, routes (a store read) and tokenizes every input within the context. */
    private Prepared prepare(RoutingContext rc, RequestLog log) {
        EmbeddingsRequest req = EmbeddingsRequest.parse(ApiRouter.jsonBody(rc));
        log.model(req.model());
        int hidden = serving.model().config().hiddenSize();
        if (req.dimensions() != null && req.dimensions() != hidden) {
            throw new InvalidRequestException("This model's embeddings have " + hidden + " dimensions; it cannot "
                    + "give " + req.dimensions() + " (dimensions may be left out, or " + hidden + ").", "dimensions");
        }
        AdapterKey adapter = models.route(rc, req.model(), req.user());
        int context = serving.engine().maxContext();
        List<int[]> inputs = new ArrayList<>(req.input().count());
        int tokens = 0;
        for (int i = 0; i < req.input().count(); i++) {
            String param = req.input().count() == 1 ? "input" : "input[" + i + "]";
            int[] ids;
            if (req.input().texts() != null) {
                String text = req.input().texts().get(i);
                Tokenizer tokenizer = serving.model().requireTokenizer();
                ids = models.encodeWithinContext(budget -> tokenizer.encode(text, budget), param);
                if (ids.length == 0) {
                    throw new InvalidRequestException(param + " has no tokens to embed", param);
                }
            } else {
                ids = req.input().tokens().get(i);
                models.checkIds(ids, param);
                if (ids.length > context) {
                    throw InvalidRequestException.contextLengthExceeded("This model's maximum context length is "
                            + context + " tokens. However, " + param + " has " + ids.length + " tokens.", param);
                }
            }
            tokens += ids.length;
            if (tokens > MAX_REQUEST_TOKENS) {
                throw new InvalidRequestException("The inputs of one request may hold at most " + MAX_REQUEST_TOKENS
                        + " tokens together; these reach that at " + param + ".", "input");
            }
            inputs.add(ids);
        }
        return new Prepared(req, adapter, inputs, tokens);
    }

    /** Embeds the inputs in engine tasks of bounded size, in input order; completes on the request's context. */
    private Future<List<float[]>> embed(Prepared p, ModelTarget target) {
        List<CompletableFuture<float[][]>> tasks = new ArrayList<>();
        List<int[]> inputs = p.inputs();
        int start = 0;
        while (start < inputs.size()) {
            int end = start;
            int longest = 0;
            while (end < inputs.size() && end - start < TASK_INPUTS) {
                int next = Math.max(longest, inputs.get(end).length);
                if (end > start && next * (end - start + 1) > TASK_POSITIONS) {
                    break;
                }
                longest = next;
                end++;
            }
            List<int[]> chunk = inputs.subList(start, end);
            tasks.add(serving.engine().call(() -> Embeddings.pooled(serving.model().transformer(), chunk,
                    target.adapter(), pooling)));
            start = end;
        }
        CompletableFuture<List<float[]>> all = CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    List<float[]> vectors = new ArrayList<>(inputs.size());
                    tasks.forEach(t -> vectors.addAll(List.of(t.join())));
                    return vectors;
                });
        return Future.fromCompletionStage(all, vertx.getOrCreateContext());
    }
}
