package dev.scion.server.http;

import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.TokenListener;
import io.vertx.core.Context;

/**
 * Bridges one generated choice from the engine thread to the request's Vert.x context: every
 * callback is re-posted with {@code runOnContext}, which keeps their order.
 */
final class ChoiceCollector implements TokenListener {
    interface Sink {
        void onToken(int choice, GeneratedToken token);

        void onFinish(int choice, GenerationResult result);
    }

    private final Context context;
    private final int choice;
    private final Sink sink;

    ChoiceCollector(Context context, int choice, Sink sink) {
        this.context = context;
        this.choice = choice;
        this.sink = sink;
    }

    @Override
    public void onToken(GeneratedToken token) {
        context.runOnContext(v -> sink.onToken(choice, token));
    }

    @Override
    public void onFinish(GenerationResult result) {
        context.runOnContext(v -> sink.onFinish(choice, result));
    }
}
