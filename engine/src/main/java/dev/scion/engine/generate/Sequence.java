package dev.scion.engine.generate;

import dev.scion.engine.constrain.Guide;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.sampling.SampledToken;
import dev.scion.engine.sampling.Sampler;
import dev.scion.engine.text.StopMatcher;
import dev.scion.engine.text.StreamDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-sequence state, kept apart from the shared model: its KV slot, sampler, adapter, text
 * decoder and what it has produced. Only the generating thread touches it, except
 * {@link #cancel()}, which any thread may call.
 */
public final class Sequence {
    final GenerationRequest request;
    final DeviceAdapter adapter; // null = base model
    final TokenListener listener;
    final Sampler sampler;
    final StreamDecoder decoder; // null without a tokenizer
    final StopMatcher stops; // null without a tokenizer
    final Guide guide; // null for unconstrained requests, so free sequences do no per-step work for constraints
    final List<Integer> generated = new ArrayList<>();
    final List<SampledToken> samples = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    int slot = -1;
    int cached; // positions already in the KV cache
    private volatile boolean cancelled;

    Sequence(GenerationRequest request, DeviceAdapter adapter, TokenListener listener, Sampler sampler,
            StreamDecoder decoder, StopMatcher stops, Guide guide) {
        this.request = request;
        this.adapter = adapter;
        this.listener = listener;
        this.sampler = sampler;
        this.decoder = decoder;
        this.stops = stops;
        this.guide = guide;
    }

    /** Asks the generator to end this sequence at its next step with {@link FinishReason#CANCELLED}. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public DeviceAdapter adapter() {
        return adapter;
    }

    boolean prefilled() {
        return cached >= request.promptIds().length;
    }

    int[] generatedIds() {
        return generated.stream().mapToInt(Integer::intValue).toArray();
    }
}
