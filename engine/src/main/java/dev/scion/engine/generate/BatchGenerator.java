package dev.scion.engine.generate;

import dev.scion.engine.constrain.GrammarConstraint;
import dev.scion.engine.constrain.Guide;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.KvCache;
import dev.scion.engine.runtime.LoraBatch;
import dev.scion.engine.runtime.SequenceChunk;
import dev.scion.engine.runtime.SlotPool;
import dev.scion.engine.runtime.StepLogits;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.sampling.NonFiniteLogitsException;
import dev.scion.engine.sampling.SampledToken;
import dev.scion.engine.sampling.Sampler;
import dev.scion.engine.text.StopMatcher;
import dev.scion.engine.text.StreamDecoder;
import dev.scion.engine.text.Tokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Continuous batching over a fixed number of KV slots: every {@link #step()} admits waiting
 * sequences into free slots, prefills them (in chunks of at most {@code prefillChunk} tokens),
 * and advances every running sequence by one token, all in one forward pass. Sequences with
 * different adapters, or none, share the pass. Single-threaded: one engine loop owns it.
 */
public final class BatchGenerator implements AutoCloseable {
    private final Transformer model;
    private final Tokenizer tokenizer; // null: token ids only
    private final KvCache cache;
    private final SlotPool slots;
    private final int prefillChunk;
    private final int maxAdaptersPerStep;
    private final Set<Integer> eosIds;
    private final int sampleVocab; // ids the tokenizer can decode; checkpoints often pad the embedding beyond them
    private final Deque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private List<DeviceAdapter> batchAdapters = List.of();
    private LoraBatch lora = LoraBatch.none();

    /**
     * @param slots sequences that can run at once (KV-cache slots)
     * @param maxContext longest prompt + completion per sequence
     * @param prefillChunk most prompt tokens one sequence feeds per step, so long prompts do not stall decoding
     * @param maxAdaptersPerStep most distinct adapters in one step; sequences beyond it wait
     */
    public BatchGenerator(Transformer model, Tokenizer tokenizer, int slots, int maxContext, int prefillChunk,
            int maxAdaptersPerStep) {
        if (maxContext > model.maxPositions()) {
            throw new IllegalArgumentException("maxContext " + maxContext + " exceeds the model's "
                    + model.maxPositions() + " positions");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.cache = new KvCache(model, slots, maxContext);
        this.slots = new SlotPool(slots);
        this.prefillChunk = prefillChunk;
        this.maxAdaptersPerStep = maxAdaptersPerStep;
        this.eosIds = new HashSet<>(model.config().eosTokenIds());
        this.sampleVocab = tokenizer == null ? model.config().vocabSize()
                : Math.min(tokenizer.vocabSize(), model.config().vocabSize());
    }

    public BatchGenerator(Transformer model, Tokenizer tokenizer, int slots, int maxContext) {
        this(model, tokenizer, slots, maxContext, 512, Integer.MAX_VALUE);
    }

    public int maxContext() {
        return cache.maxLen();
    }

    /** Queues a sequence; it starts at a later step when a slot is free. */
    public Sequence submit(GenerationRequest request, DeviceAdapter adapter, TokenListener listener) {
        if (request.promptIds().length >= cache.maxLen()) {
            throw new IllegalArgumentException("the prompt has " + request.promptIds().length
                    + " tokens but the context holds " + cache.maxLen() + " (prompt plus at least one new token)");
        }
        Sampler sampler = new Sampler(request.sampling(), request.promptIds());
        StreamDecoder decoder = tokenizer == null ? null : new StreamDecoder(tokenizer);
        StopMatcher stops = tokenizer == null ? null : new StopMatcher(request.stopStrings());
        Guide guide = null;
        if (request.constraint() instanceof GrammarConstraint grammar) {
            Set<Integer> endIds = new HashSet<>(eosIds);
            endIds.addAll(request.stopTokenIds());
            guide = grammar.start(endIds);
        }
        Sequence s = new Sequence(request, adapter, listener, sampler, decoder, stops, guide);
        waiting.addLast(s);
        return s;
    }

    public boolean hasWork() {
        return !waiting.isEmpty() || !running.isEmpty();
    }

    public int runningCount() {
        return running.size();
    }

    public int waitingCount() {
        return waiting.size();
    }

    /** Runs steps until every submitted sequence has finished. */
    public void runToCompletion() {
        while (hasWork()) {
            step();
        }
    }

    /**
     * One scheduling iteration and forward pass; returns the number of sequences advanced.
     *
     * <p>Failures never leave a sequence behind. A sequence whose own logits are not finite, or whose
     * token cannot be processed, ends with {@link FinishReason#ERROR} and its {@link SequenceError};
     * the others in the step carry on. A failure of the step itself (the forward pass, the adapter
     * batch) ends every running sequence with ERROR and is rethrown for the caller to log, so the next
     * step starts without them instead of failing the same way forever.
     */
    public int step() {
        try {
            return runStep();
        } catch (RuntimeException | Error e) {
            for (Sequence s : new ArrayList<>(running)) {
                finish(s, FinishReason.ERROR, SequenceError.stepFailed());
            }
            throw e;
        }
    }

    private int runStep() {
        dropCancelled();
        admit();
        if (running.isEmpty()) {
            return 0;
        }
        List<SequenceChunk> chunks = new ArrayList<>(running.size());
        List<DeviceAdapter> adapters = activeAdapters();
        for (Sequence s : running) {
            int adapterIndex = s.adapter == null ? -1 : adapters.indexOf(s.adapter);
            chunks.add(new SequenceChunk(s.slot, s.cached, nextInput(s), adapterIndex));
        }
        StepLogits logits = model.forward(chunks, cache, lora);
        List<Sequence> advanced = new ArrayList<>(running);
        for (int i = 0; i < advanced.size(); i++) {
            Sequence s = advanced.get(i);
            s.cached += chunks.get(i).tokens().length;
            if (s.prefilled()) {
                sampleAndAccept(s, logits, i);
            }
        }
        return advanced.size();
    }

    /**
     * The sequence's next token from its row; a failure here ends this sequence only. A constrained
     * sequence masks its own row first (the row belongs to this step and to this sequence alone), so its
     * logprobs describe the distribution it was sampled from.
     */
    private void sampleAndAccept(Sequence s, StepLogits logits, int row) {
        SampledToken token;
        try {
            if (s.guide != null) {
                s.guide.mask(logits.values(), logits.offset(row), sampleVocab);
            }
            token = s.sampler.sample(logits.values(), logits.offset(row), sampleVocab);
        } catch (NonFiniteLogitsException e) {
            finish(s, FinishReason.ERROR, SequenceError.nonFiniteLogits(e.getMessage(),
                    s.adapter == null ? null : s.adapter.name()));
            return;
        } catch (RuntimeException e) {
            finish(s, FinishReason.ERROR, SequenceError.sequenceFailed());
            return;
        }
        try {
            accept(s, token);
        } catch (RuntimeException e) {
            finish(s, FinishReason.ERROR, SequenceError.sequenceFailed());
        }
    }

    private int[] nextInput(Sequence s) {
        int[] prompt = s.request.promptIds();
        if (!s.prefilled()) {
            int end = Math.min(prompt.length, s.cached + prefillChunk);
            return Arrays.copyOfRange(prompt, s.cached, end);
        }
        return new int[] {s.generated.get(s.generated.size() - 1)};
    }

    private void admit() {
        Set<DeviceAdapter> inUse = new HashSet<>();
        for (Sequence s : running) {
            if (s.adapter != null) {
                inUse.add(s.adapter);
            }
        }
        for (var it = waiting.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.adapter != null && !inUse.contains(s.adapter) && inUse.size() >= maxAdaptersPerStep) {
                continue; // waits for a step with room for another adapter
            }
            int slot = slots.acquire();
            if (slot < 0) {
                return;
            }
            it.remove();
            s.slot = slot;
            running.add(s);
            if (s.adapter != null) {
                inUse.add(s.adapter);
            }
        }
    }

    /** The step's distinct adapters; the concatenated batch is rebuilt only when this set changes. */
    private List<DeviceAdapter> activeAdapters() {
        Set<DeviceAdapter> set = new LinkedHashSet<>();
        running.stream().sorted((a, b) -> Integer.compare(a.slot, b.slot))
                .filter(s -> s.adapter != null).forEach(s -> set.add(s.adapter));
        List<DeviceAdapter> adapters = List.copyOf(set);
        if (!adapters.equals(batchAdapters)) {
            lora.close();
            lora = LoraBatch.none(); // if building the new batch fails, the next step builds it afresh
            batchAdapters = List.of();
            lora = LoraBatch.of(adapters, model);
            batchAdapters = adapters;
        }
        return adapters;
    }

    private void accept(Sequence s, SampledToken token) {
        int id = token.id();
        s.generated.add(id);
        s.samples.add(token);
        if (s.guide != null) {
            s.guide.advance(id);
        }
        boolean stopToken = (!s.request.ignoreEos() && eosIds.contains(id)) || s.request.stopTokenIds().contains(id)
                || (s.guide != null && s.guide.isEnd(id));
        StringBuilder delta = new StringBuilder();
        boolean stopString = false;
        if (s.decoder != null && !stopToken) {
            StopMatcher.Step r = s.stops.accept(s.decoder.push(id));
            delta.append(r.text());
            stopString = r.stopped();
        }
        FinishReason reason = null;
        if (stopToken || stopString) {
            reason = FinishReason.STOP;
        } else if (s.generated.size() >= s.request.maxTokens()
                || s.request.promptIds().length + s.generated.size() >= cache.maxLen()) {
            reason = FinishReason.LENGTH;
        }
        if (reason != null && s.decoder != null && !stopString) {
            // The last token carries whatever text was held back for incomplete characters or stop prefixes.
            StopMatcher.Step tail = s.stops.accept(s.decoder.flush());
            delta.append(tail.text());
            if (tail.stopped()) {
                reason = FinishReason.STOP;
            } else {
                delta.append(s.stops.flush());
            }
        }
        s.text.append(delta);
        notify(s, new GeneratedToken(s.generated.size() - 1, token, delta.toString()));
        if (reason != null) {
            finish(s, reason, null);
        }
    }

    private void notify(Sequence s, GeneratedToken token) {
        try {
            s.listener.onToken(token);
        } catch (RuntimeException e) {
            s.cancel(); // a broken consumer ends its own sequence, never the loop
        }
    }

    /** Ends a running sequence once: frees its slot and tells its listener; a second call does nothing. */
    private void finish(Sequence s, FinishReason reason, SequenceError error) {
        if (!running.remove(s)) {
            return;
        }
        slots.release(s.slot);
        GenerationResult result = new GenerationResult(s.generatedIds(), s.text.toString(), reason,
                s.request.promptIds().length, List.copyOf(s.samples), error);
        try {
            s.listener.onFinish(result);
        } catch (RuntimeException ignored) {
            // the sequence is over either way; the consumer's failure is its own
        }
    }

    private void dropCancelled() {
        waiting.removeIf(s -> {
            if (s.isCancelled()) {
                try {
                    s.listener.onFinish(new GenerationResult(new int[0], "", FinishReason.CANCELLED,
                            s.request.promptIds().length, List.of()));
                } catch (RuntimeException ignored) {
                    // the sequence is over either way; the consumer's failure is its own
                }
                return true;
            }
            return false;
        });
        for (Sequence s : new ArrayList<>(running)) {
            if (s.isCancelled()) {
                finish(s, FinishReason.CANCELLED, null);
            }
        }
    }

    @Override
    public void close() {
        lora.close();
        cache.close();
    }
}
