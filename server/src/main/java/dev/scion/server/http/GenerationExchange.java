package dev.scion.server.http;

import dev.scion.engine.generate.FinishReason;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.SequenceError;
import dev.scion.server.ServingModel;
import dev.scion.server.adapters.ModelTarget;
import dev.scion.server.api.Usage;
import dev.scion.server.engine.EngineLoop;
import dev.scion.server.engine.QueueFullException;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.UnavailableException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request's generation: its choices submitted to the engine, tokens streamed or gathered
 * in order on the request's event loop, cancelled when the client goes away or the request waits
 * in the queue past its timeout, and answered once every choice has finished.
 */
final class GenerationExchange implements ChoiceCollector.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationExchange.class);
    private final RoutingContext rc;
    private final ServingModel serving;
    private final RequestLog log;
    private final boolean stream;
    private final boolean includeUsage;
    private final ResponseFormat format;
    private final int promptTokens;
    private final ModelTarget target;
    private final List<EngineLoop.Submission> submissions = new ArrayList<>();
    private final GenerationResult[] results;
    private SseWriter sse;
    private int finished;
    private long timer = -1;
    private boolean timedOut;
    private long lastTokenNanos;

    GenerationExchange(RoutingContext rc, ServingModel serving, RequestLog log, boolean stream, boolean includeUsage,
            ResponseFormat format, int choices, int promptTokens, ModelTarget target) {
        this.target = target;
        this.rc = rc;
        this.serving = serving;
        this.log = log;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.format = format;
        this.results = new GenerationResult[choices];
        this.promptTokens = promptTokens;
    }

    /** Submits one request per choice; on a full queue nothing stays submitted and 429 is answered. */
    void start(List<GenerationRequest> requests, Duration queueTimeout) {
        Vertx vertx = rc.vertx();
        try {
            for (int i = 0; i < requests.size(); i++) {
                submissions.add(serving.engine().submit(requests.get(i), target.adapter(),
                        new ChoiceCollector(vertx.getOrCreateContext(), i, this)));
            }
        } catch (QueueFullException e) {
            submissions.forEach(EngineLoop.Submission::cancel);
            submissions.clear();
            target.close();
            log.fail(rc, HttpFailures.answer(e, LOG, "submitting a request"));
            return;
        } catch (IllegalArgumentException e) {
            submissions.forEach(EngineLoop.Submission::cancel);
            submissions.clear();
            target.close();
            log.fail(rc, HttpFailures.answer(new InvalidRequestException(e.getMessage(), "messages")));
            return;
        } catch (IllegalStateException e) { // the engine stopped taking work: SIGTERM is being handled
            submissions.forEach(EngineLoop.Submission::cancel);
            submissions.clear();
            target.close();
            log.fail(rc, HttpFailures.answer(new UnavailableException("the server is shutting down")));
            return;
        }
        rc.response().putHeader("X-Scion-Model", target.modelId()); // which version serves this request
        timer = vertx.setTimer(queueTimeout.toMillis(), id -> {
            timedOut = true;
            cancelAll();
        });
        rc.response().closeHandler(v -> cancelAll());
    }

    private void cancelAll() {
        submissions.forEach(EngineLoop.Submission::cancel);
    }

    @Override
    public void onToken(int choice, GeneratedToken token) {
        long now = System.nanoTime();
        if (timer >= 0) {
            rc.vertx().cancelTimer(timer);
            timer = -1;
            log.firstToken();
        } else if (lastTokenNanos > 0) {
            log.interTokenLatency(Duration.ofNanos(now - lastTokenNanos));
        }
        lastTokenNanos = now;
        if (!stream || rc.response().closed()) {
            return;
        }
        openStream();
        format.tokenChunks(choice, token).forEach(chunk -> sse.event(chunk.toString()));
    }

    private void openStream() {
        if (sse == null) {
            sse = new SseWriter(rc.response());
            sse.open();
            format.openingChunks(results.length).forEach(c -> sse.event(c.toString()));
        }
    }

    @Override
    public void onFinish(int choice, GenerationResult result) {
        results[choice] = result;
        finished++;
        boolean ended = result.finishReason() == FinishReason.STOP || result.finishReason() == FinishReason.LENGTH;
        if (stream && sse != null && ended) {
            format.finishChunks(choice, result).forEach(chunk -> sse.event(chunk.toString()));
        }
        if (result.finishReason() == FinishReason.ERROR && finished < results.length) {
            cancelAll(); // the answer is an error whatever the other choices do: stop spending steps on them
        }
        if (finished < results.length) {
            return;
        }
        int completion = 0;
        SequenceError error = null;
        for (GenerationResult r : results) {
            completion += r.completionTokens();
            SequenceError e = r.error();
            if (e != null && (error == null || (e.blamesAdapter() && !error.blamesAdapter()))) {
                error = e; // the first error, or the first that blames the adapter
            }
        }
        boolean failed = error != null;
        SequenceError failure = error;
        if (timer >= 0) {
            rc.vertx().cancelTimer(timer);
            timer = -1;
        }
        Usage usage = new Usage(promptTokens, completion);
        log.tokens(promptTokens, completion);
        if (target.lease() != null && serving.adapters() != null) {
            var key = target.lease().key(); // counted on a worker: it reads routing and may roll a canary back
            String adapterFault = failed && error.blamesAdapter() ? error.message() : null;
            var counted = rc.vertx().executeBlocking(() -> {
                serving.adapters().served(key, failed, adapterFault);
                return null;
            }, false);
            target.close(); // every choice is done: the adapter version may now be evicted or deleted
            if (failed) { // answered once counted, so the client sees the health and routing its failure caused
                counted.onComplete(v -> answer(failure, usage));
                return;
            }
        } else {
            target.close();
        }
        answer(null, usage);
    }

    private void answer(SequenceError error, Usage usage) {
        if (rc.response().closed()) {
            log.clientGone(rc);
            return;
        }
        if (error != null) {
            // Non-finite logits say what happened (no internal detail in it); any other failure stays in the log.
            ApiException e = HttpFailures.answer(error);
            if (stream && sse != null) { // the status is out already: the error is the stream's last event
                sse.event(e.toJson().toString());
                sse.done();
                log.done(rc, e.status());
            } else {
                log.fail(rc, e);
            }
            return;
        }
        boolean cancelled = false;
        for (GenerationResult r : results) {
            cancelled |= r.finishReason() == FinishReason.CANCELLED;
        }
        if (cancelled && sse == null) {
            log.fail(rc, HttpFailures.answer(new UnavailableException(timedOut
                    ? "the request waited longer than the server's request timeout for a free slot"
                    : "the request was cancelled because the server is shutting down")));
            return;
        }
        if (stream) {
            openStream();
            if (includeUsage) {
                sse.event(format.usageChunk(usage).toString());
            }
            sse.done();
            log.done(rc, 200);
        } else {
            log.json(rc, 200, format.fullResponse(List.of(results), usage));
        }
    }
}
