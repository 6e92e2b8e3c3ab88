package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.Durable;
import dev.scion.trainer.checkpoint.CheckpointStore;
import dev.scion.trainer.checkpoint.TrainingCheckpoint;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetOptions;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.loop.Ewc;
import dev.scion.trainer.loop.TrainingLoop;
import dev.scion.trainer.lora.LoraParameters;
import dev.scion.trainer.optim.AdamW;
import dev.scion.trainer.progress.LossCurve;
import dev.scion.trainer.replay.ReplayStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One incremental round: data, starting adapter, training with replay and EWC, checkpoints, the evaluation gate
 * and the publish. The trainer's own files for an adapter (replay store, checkpoints, loss curves) live in
 * {@code <store root>/.trainer/<adapter>/}, beside the adapter's versions; the Fisher information and optimizer
 * moments travel inside each published version.
 */
public final class TrainingRound {
    /** DJL allows one gradient collector per JVM: rounds run one at a time. */
    private static final ReentrantLock ONE_ROUND = new ReentrantLock(true);

    /** Examples the Fisher information is estimated on, at most: enough for a diagonal estimate, bounded cost. */
    static final int FISHER_EXAMPLES = 64;

    /** Retention examples scored by the gate, at most. */
    static final int RETENTION_EXAMPLES = 64;

    private TrainingRound() {}

    /** The folder of the trainer's files for one adapter of a store. */
    public static Path workspace(AdapterStore store, String adapter) {
        return store.root().resolve(".trainer").resolve(adapter);
    }

    /** Runs the round, publishing straight into the store. */
    public static RoundResult run(LoadedModel model, AdapterStore store, RoundRequest request,
            TrainingListener listener, TrainingControl control) throws IOException {
        return run(model, store, request, listener, control,
                Publisher.direct(store, model.config(), request.source()));
    }

    /**
     * Runs the round on the calling thread. At most one round trains per JVM at a time; a second caller waits.
     *
     * @throws RoundCancelledException when {@code control} cancelled it (the newest checkpoint stays)
     * @throws dev.scion.trainer.data.DatasetException bad data, naming file and line
     * @throws IllegalArgumentException bad settings, or an unfinished round that does not match a resume
     * @throws dev.scion.engine.store.AdapterNotFoundException an unknown starting version
     */
    public static RoundResult run(LoadedModel model, AdapterStore store, RoundRequest request,
            TrainingListener listener, TrainingControl control, Publisher publisher) throws IOException {
        ONE_ROUND.lock();
        try {
            return new RoundRun(model, store, request, listener, control, publisher).run();
        } finally {
            ONE_ROUND.unlock();
        }
    }

    /** The state of one run, so the steps read as a sequence. */
    private static final class RoundRun {
        private final LoadedModel model;
        private final AdapterStore store;
        private final RoundRequest request;
        private final TrainOptions o;
        private final TrainingListener listener;
        private final TrainingControl control;
        private final Publisher publisher;
        private final RoundFiles files;
        private final DatasetOptions dataOptions;
        private ReplayStore replay; // opened once the adapter name is known to be valid

        RoundRun(LoadedModel model, AdapterStore store, RoundRequest request, TrainingListener listener,
                TrainingControl control, Publisher publisher) {
            this.model = model;
            this.store = store;
            this.request = request;
            this.o = request.options();
            this.listener = listener;
            this.control = control;
            this.publisher = publisher;
            this.files = new RoundFiles(workspace(store, request.adapter()));
            this.dataOptions = new DatasetOptions(o.format(), o.maxLength(), o.trainOnPrompt(), o.skipBadLines());
        }

        RoundResult run() throws IOException {
            store.versions(request.adapter()); // refuses a bad adapter name before any work
            Dataset data = Dataset.load(request.data(), model, dataOptions);
            listener.onEvent(data.report().summary());
            RoundData split = RoundData.split(data, request.evalData() == null ? null
                    : Dataset.load(request.evalData(), model, dataOptions), o);
            Map<String, Object> unfinished = files.readRound();
            StartingPoint start = StartingPoint.resolve(store, request.adapter(), model.config(), o,
                    request.resume() && unfinished != null ? recordedStart(unfinished) : null);
            replay = ReplayStore.open(files.replay(), o.replayCapacity());
            RoundData.Replay replayed = split.replay(replay, model, dataOptions, o);
            List<TrainingExample> examples = new ArrayList<>(split.train());
            examples.addAll(replayed.examples());
            listener.onEvent("training " + split.train().size() + " new and " + replayed.examples().size()
                    + " replayed examples, starting from " + start.describe(request.adapter()) + "; held out "
                    + split.heldOut().size() + ", retention set " + replayed.retention().size());

            // After its publish a round has added its data to the replay store; the key keeps the count it began with.
            long replaySeen = request.resume() && unfinished != null && unfinished.get("published_version") != null
                    && unfinished.get("replay_seen") instanceof Number n ? n.longValue() : replay.seen();
            String key = RoundKey.of(request, o, start.version(), replaySeen);
            Map<String, Object> round = openRound(unfinished, key, start, replaySeen);
            Gate gate = new Gate(split.heldOut().isEmpty() ? split.train() : split.heldOut(), replayed.retention(),
                    split.heldOut().isEmpty());
            gate.before(model.transformer(), start.params());

            LoraParameters params = start.params();
            boolean keepMoments = o.keepOptimizer() && start.state().firstMoments() != null;
            AdamW optimizer = new AdamW(keepMoments ? start.state().firstMoments() : params.zerosLike(),
                    keepMoments ? start.state().secondMoments() : params.zerosLike(),
                    keepMoments ? start.state().adamStep() : 0, o.weightDecay());
            Ewc ewc = o.ewcLambda() > 0 && start.state().fisher() != null
                    ? new Ewc(start.state().fisher(), params.snapshot(), o.ewcLambda()) : null;
            if (ewc != null) {
                listener.onEvent("EWC penalty on, lambda " + o.ewcLambda() + ", towards " + start.describe(request.adapter()));
            }
            TrainingLoop loop = new TrainingLoop(model.transformer(), params, optimizer, ewc, examples, o, listener,
                    control);
            RoundCheckpoints checkpoints = new RoundCheckpoints(new CheckpointStore(files.checkpoints(), 2), key,
                    params, optimizer, loop, listener, o.seed());
            int from = request.resume() ? checkpoints.restore() : 0;
            if (round.get("published_version") == null && from < loop.plan().totalSteps()) {
                loop.run(from, checkpoints::save);
                // The final state (saveSteps 0 promises this one): a kill during the gate, the Fisher estimate or
                // the publish resumes without training again, and a resume after the publish scores and reports
                // the published weights and the whole loss curve, not an earlier checkpoint's.
                checkpoints.save(loop.plan().totalSteps());
            }
            return finish(round, loop, params, optimizer, gate, split, replayed, data, start);
        }

        /** The starting version an unfinished round recorded, or null for a record without one. */
        private static Integer recordedStart(Map<String, Object> round) {
            return round.get("start_version") instanceof Number n ? n.intValue() : null;
        }

        /**
         * The unfinished round to continue, or a new one (discarding one left over when not resuming).
         *
         * @param round the unfinished round's record, or null when there is none
         */
        private Map<String, Object> openRound(Map<String, Object> round, String key, StartingPoint start,
                long replaySeen) throws IOException {
            if (round != null && !request.resume()) {
                listener.onEvent("discarding the unfinished round of " + request.adapter() + " (not resuming)");
                files.discardCurrent();
                round = null;
            }
            if (round != null && !key.equals(round.get("key"))) {
                throw new IllegalArgumentException("the unfinished round of adapter " + request.adapter()
                        + " was started with other data, settings or starting version; run without --resume to"
                        + " discard it and start this one");
            }
            if (round == null) {
                round = RoundFiles.map("key", key, "adapter", request.adapter(), "start_version", start.version(),
                        "replay_seen", replaySeen, "data", request.data().toString());
                files.writeRound(round);
            } else {
                listener.onEvent("resuming the unfinished round of " + request.adapter());
            }
            return round;
        }

        private RoundResult finish(Map<String, Object> round, TrainingLoop loop, LoraParameters params,
                AdamW optimizer, Gate gate, RoundData split, RoundData.Replay replayed, Dataset data,
                StartingPoint start) throws IOException {
            List<TrainingExample> trained = new ArrayList<>(split.train());
            trained.addAll(replayed.examples());
            GateReport report = gate.after(model.transformer(), params, o.maxForgetting());
            listener.onEvent("gate " + (report.passed() ? "passed: " : "refused: ") + report.reason());
            LossCurve curve = new LossCurve(loop.history());
            double finalLoss = curve.isEmpty() ? Double.NaN : curve.points().get(curve.points().size() - 1).loss();
            AdapterManifest published = null;
            if (report.passed()) {
                published = publishOnce(round, params, optimizer, trained, report, loop, finalLoss, start,
                        replayed.examples().size());
                if (round.get("replay_added") == null) {
                    List<List<ChatMessage>> conversations = new ArrayList<>();
                    split.train().forEach(e -> conversations.add(e.messages()));
                    replay.add(conversations, o.seed() + published.version());
                    round.put("replay_added", true);
                    files.writeRound(round);
                }
            }
            Path folder = files.current();
            curve.writeCsv(folder.resolve("loss.csv"));
            curve.writePng(folder.resolve("loss.png"));
            RoundReport.write(folder.resolve("report.json"), request, report, published, data.report(), finalLoss,
                    loop.plan().totalSteps());
            Path done = files.finish(published != null ? "v" + published.version() : "refused");
            return new RoundResult(published, report, data.report(), split.train().size(),
                    replayed.examples().size(), loop.plan().totalSteps(), finalLoss, done.resolve("loss.csv"),
                    done.resolve("loss.png"), request.evalData() != null ? List.of()
                    : split.heldOut().stream().map(TrainingExample::sourceLine).sorted().toList());
        }

        /**
         * Publishes, or finds the version an interrupted run already published (recorded in round.json right
         * after the publish, and in the version's metrics as its round key), so a resume never publishes twice.
         */
        private AdapterManifest publishOnce(Map<String, Object> round, LoraParameters params, AdamW optimizer,
                List<TrainingExample> trained, GateReport report, TrainingLoop loop, double finalLoss,
                StartingPoint start, int replayedCount) throws IOException {
            Object already = round.get("published_version");
            if (already != null) {
                return store.resolve(request.adapter(), ((Number) already).intValue());
            }
            // A kill between the store's publish and round.json recording it: the version names its round.
            for (AdapterManifest m : store.versions(request.adapter())) {
                if (m.metrics().get("training") instanceof Map<?, ?> t && round.get("key").equals(t.get("round_key"))) {
                    round.put("published_version", m.version());
                    files.writeRound(round);
                    listener.onEvent("found " + m.id() + ", published by this round before it was interrupted");
                    return m;
                }
            }
            Path folder = files.publishFolder();
            Durable.deleteTree(folder);
            PeftAdapter.write(params.toAdapter(request.adapter()), folder, params.peftConfig());
            List<float[]> fisher = Ewc.accumulate(start.state().fisher(),
                    Ewc.estimateFisher(model.transformer(), params, trained, FISHER_EXAMPLES, o.seed()));
            new VersionState(fisher, o.keepOptimizer() ? optimizer.firstMoments() : null,
                    o.keepOptimizer() ? optimizer.secondMoments() : null, optimizer.step())
                    .write(folder.resolve(AdapterStore.TRAINER_STATE_FILE), params);
            Map<String, Object> metrics = report.toMetrics();
            metrics.put("training", RoundFiles.map("steps", loop.plan().totalSteps(), "final_loss",
                    Double.isFinite(finalLoss) ? finalLoss : null, "new_examples", trained.size() - replayedCount,
                    "replayed_examples", replayedCount, "from_version", start.version(), "epochs", o.epochs(),
                    "learning_rate", o.learningRate(), "ewc_lambda", o.ewcLambda(), "seed", o.seed(),
                    "round_key", round.get("key")));
            AdapterManifest published = publisher.publish(request.adapter(), folder, metrics, o.canaryPercent());
            round.put("published_version", published.version());
            files.writeRound(round);
            Integer canary = store.routing(request.adapter()).canary(); // the name exists now
            listener.onEvent("published " + published.id() + (canary != null && canary == published.version()
                    ? " as a canary at " + o.canaryPercent() + "%" : " as the stable version"));
            return published;
        }
    }
}
