package dev.scion.server.http;

import dev.scion.engine.text.TextTooLongException;
import dev.scion.server.ServingModel;
import dev.scion.server.adapters.ModelTarget;
import dev.scion.server.adapters.cache.AdapterKey;
import dev.scion.server.adapters.cache.LoadRefusedException;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.NotFoundException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * What every request for a model goes through before the engine, whatever its endpoint (chat, completions,
 * embeddings, tokenize): the {@code model} field routed to the base model or an adapter version, the adapter
 * leased, prompts tokenized within the context and token ids checked against the vocabulary.
 */
final class ModelRequests {
    private final Vertx vertx;
    private final ServingModel serving;

    ModelRequests(Vertx vertx, ServingModel serving) {
        this.vertx = vertx;
        this.serving = serving;
    }

    /**
     * The adapter version a request's {@code model} routes to (through its routing unless pinned as
     * {@code name@version}); null for the base model, 404 for neither. Reads the store: call it on a worker thread.
     */
    AdapterKey route(RoutingContext rc, String model, String user) {
        if (serving.id().equals(model)) {
            return null;
        }
        if (serving.adapters() == null) {
            throw NotFoundException.model(model);
        }
        return serving.adapters().route(model, user != null ? user : rc.request().getHeader("X-Session-Id"));
    }

    /** Adapters share the base model's tokenizer, so tokenizing only needs the model to exist (404 otherwise). */
    void requireKnownModel(String model) {
        if (!serving.id().equals(model)) {
            if (serving.adapters() == null) {
                throw NotFoundException.model(model);
            }
            serving.adapters().route(model, null);
        }
    }

    private <T> Future<T> loadFailed(AdapterKey key, Throwable e) {
        if (e instanceof LoadRefusedException) {
            return Future.failedFuture(e); // the server is busy, not the version broken: no failure of it
        }
        // a version that cannot be loaded fails its requests; for a canary that can trigger auto-rollback, so it is
        // counted (on a worker: it reads the routing) before the request is answered (a 500; the cause is logged)
        return vertx.executeBlocking(() -> {
            serving.adapters().served(key, true);
            return null;
        }, false).transform(counted -> Future.failedFuture(e));
    }

    /**
     * A prompt too long for the context, refused by the tokenizer: before tokenizing when it has more bytes than the
     * context's tokens can stand for, else by its token count.
     */
    InvalidRequestException tooLong(TextTooLongException e, String param) {
        int context = serving.engine().maxContext();
        if (e.tokens() >= 0) {
            return InvalidRequestException.contextLengthExceeded("This model's maximum context length is " + context
                    + " tokens. However, your prompt has " + e.tokens() + " tokens.", param);
        }
        return InvalidRequestException.contextLengthExceeded("This model's maximum context length is " + context
                + " tokens. However, your prompt is at least " + e.textBytes() + " bytes, more than the "
                + e.maxTextBytes() + " bytes that " + context + " tokens of this model can hold.", param);
    }

    /** Encodes {@code text} within the context; a text that cannot fit is a 400 naming {@code param}. */
    int[] encodeWithinContext(java.util.function.IntFunction<int[]> encode, String param) {
        try {
            return encode.apply(serving.engine().maxContext());
        } catch (TextTooLongException e) {
            throw tooLong(e, param);
        }
    }

    void checkIds(int[] ids, String param) {
        int vocab = serving.model().config().vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new InvalidRequestException(param + "[" + i + "] = " + ids[i]
                        + " is not a token id of this model (vocabulary size " + vocab + ")", param + "[" + i + "]");
            }
        }
    }

    /**
     * Leases {@code adapter} (null: the base model): at once when it is hot, else when the adapter load threads have
     * loaded it, with no worker thread waiting meanwhile, so a slow load never delays requests for other models.
     * Completes on the caller's event loop.
     */
    Future<ModelTarget> lease(AdapterKey adapter) {
        if (adapter == null) {
            return Future.succeededFuture(ModelTarget.base(serving.id()));
        }
        return Future.fromCompletionStage(serving.adapters().lease(adapter), vertx.getOrCreateContext())
                .map(lease -> new ModelTarget(adapter.modelId(), lease))
                .recover(e -> loadFailed(adapter, e));
    }
}
