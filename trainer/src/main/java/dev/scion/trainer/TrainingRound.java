package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.io.Durable;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.checkpoint.CheckpointStore;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetOptions;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.eval.AnswerScore;
import dev.scion.trainer.eval.GreedyAnswers;
import dev.scion.trainer.loop.EpochCheck;
import dev.scion.trainer.loop.Ewc;
import dev.scion.trainer.loop.RoundTarget;
import dev.scion.trainer.loop.TrainingLoop;
import dev.scion.trainer.lora.LoraParameters;
import dev.scion.trainer.optim.AdamW;
import dev.scion.trainer.progress.LossCurve;
import dev.scion.trainer.replay.ReplayStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
            List<TrainingExample> pool = RoundData.replayPool(replay, model, dataOptions);
            EarlierRounds earlier = EarlierRounds.of(store, request.adapter(), start.version(), files.history(), model,
                    dataOptions, o.seed());
            int replayPerEpoch = split.replayPerEpoch(pool.size(), o);
            listener.onEvent("training " + split.train().size() + " new examples and " + replayPerEpoch
                    + " replayed per epoch (of " + pool.size() + " stored), starting from "
                    + start.describe(request.adapter()) + "; held out " + split.heldOut().size() + "; earlier rounds "
                    + earlier.rounds().size() + " (" + earlier.all().size() + " examples)");

            // After its publish a round has added its data to the replay store; the key keeps the count it began with.
            long replaySeen = request.resume() && unfinished != null && unfinished.get("published_version") != null
                    && unfinished.get("replay_seen") instanceof Number n ? n.longValue() : replay.seen();
            String key = RoundKey.of(request, o, start.version(), replaySeen);
            Map<String, Object> round = openRound(unfinished, key, start, replaySeen);
            try (GreedyAnswers answers = new GreedyAnswers(model, o.maxLength())) {
                boolean targetIsTraining = split.heldOut().isEmpty();
                List<TrainingExample> targetSet = targetIsTraining ? split.train() : split.heldOut();
                Gate gate = new Gate(answers, model.transformer(), o, targetSet, split.train(), targetIsTraining,
                        earlier);
                gate.before(start.params());
                RetentionSample retention = RetentionSample.of(earlier.all(), gate.retainedBefore(), o.seed());

                LoraParameters params = start.params();
                boolean keepMoments = o.keepOptimizer() && start.state().firstMoments() != null;
                AdamW optimizer = new AdamW(keepMoments ? start.state().firstMoments() : params.zerosLike(),
                        keepMoments ? start.state().secondMoments() : params.zerosLike(),
                        keepMoments ? start.state().adamStep() : 0, o.weightDecay());
                Ewc ewc = o.ewcLambda() > 0 && start.state().fisher() != null
                        ? Ewc.normalised(start.state().fisher(), params.snapshot()) : null;
                RoundTarget target = new RoundTarget(o, ewc == null ? 0 : o.ewcLambda(), retention.retainedBefore());
                if (ewc != null) {
                    listener.onEvent("EWC penalty on, weight " + o.ewcLambda() + " (Fisher normalised by its mean), "
                            + "towards " + start.describe(request.adapter()));
                }
                TrainingLoop loop = new TrainingLoop(model.transformer(), params, optimizer, ewc, target,
                        split.train(), pool, replayPerEpoch, o, listener, control);
                RoundCheckpoints checkpoints = new RoundCheckpoints(new CheckpointStore(files.checkpoints(), 2), key,
                        params, optimizer, loop, target, listener, o.seed());
                int from = request.resume() ? checkpoints.restore() : 0;
                int end = from;
                if (round.get("published_version") == null && from < loop.plan().totalSteps() && !target.stopped()) {
                    TrainingLoop.EpochEnd epochEnd = o.trainsToTarget()
                            ? (epoch, steps) -> checkEpoch(answers, target, targetSet, retention, params, loop, epoch,
                                    steps)
                            : TrainingLoop.EpochEnd.NEVER;
                    end = loop.run(from, checkpoints::save, epochEnd);
                    // The final state (saveSteps 0 promises this one): a kill during the gate, the Fisher estimate
                    // or the publish resumes without training again, and a resume after the publish scores and
                    // reports the published weights and the whole loss curve, not an earlier checkpoint's.
                    checkpoints.save(end);
                } else if (target.stopped()) {
                    end = target.checks().get(target.checks().size() - 1).step();
                }
                int steps = Math.max(end, from);
                int epochs = (steps + loop.plan().stepsPerEpoch() - 1) / loop.plan().stepsPerEpoch();
                return finish(round, loop, params, optimizer, gate, split, data, start, steps, epochs, target);
            }
        }

        /**
         * The end of an epoch: answers the target examples and the retention sample greedily, records the check
         * and says whether the round stops.
         */
        private boolean checkEpoch(GreedyAnswers answers, RoundTarget target, List<TrainingExample> targetSet,
                RetentionSample retention, LoraParameters params, TrainingLoop loop, int epoch, int steps) {
            try {
                control.beforeStep(); // the check is paced like a step: serving keeps its share of the machine
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RoundCancelledException(steps);
            }
            long began = System.nanoTime();
            var adapter = params.toAdapter(request.adapter());
            AnswerScore learned = answers.score(adapter, targetSet);
            AnswerScore kept = answers.score(adapter, retention.examples());
            double evalLoss = o.targetLoss() == null ? Double.NaN
                    : Evaluation.score(model.transformer(), params, targetSet).loss();
            control.afterStep(System.nanoTime() - began);
            double trainingLoss = loop.meanLossOfEpoch(epoch);
            EpochCheck check = target.check(epoch, steps, learned.exact(), learned.examples(), kept.exact(),
                    kept.examples(), trainingLoss, evalLoss);
            listener.onEvent(String.format(Locale.ROOT, "epoch %d: learned %s%s%s, loss %.4f%s", epoch,
                    learned.describe(), kept.examples() == 0 ? "" : ", kept " + kept.exact() + "/" + kept.examples()
                    + " earlier (was " + retention.retainedBefore() + ")",
                    Double.isNaN(evalLoss) ? "" : String.format(Locale.ROOT, ", eval loss %.4f", evalLoss),
                    trainingLoss, check.stop() ? "; target reached" : adjustments(check)));
            return check.stop();
        }

        /** What the check changed for the next epoch, as the end of its progress line. */
        private static String adjustments(EpochCheck check) {
            String ewc = check.ewcLambda() > 0
                    ? String.format(Locale.ROOT, "; EWC weight %.4g", check.ewcLambda()) : "";
            String rate = check.learningRateScale() < 1
                    ? String.format(Locale.ROOT, "; learning rate x%.4g", check.learningRateScale()) : "";
            return ewc + rate;
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
                AdamW optimizer, Gate gate, RoundData split, Dataset data, StartingPoint start, int steps, int epochs,
                RoundTarget target) throws IOException {
            GateReport report = gate.after(params, epochs);
            listener.onEvent("gate " + (report.passed() ? "passed: " : "refused: ") + report.reason());
            LossCurve curve = new LossCurve(loop.history());
            double finalLoss = curve.isEmpty() ? Double.NaN : curve.points().get(curve.points().size() - 1).loss();
            AdapterManifest published = null;
            if (report.passed()) {
                published = publishOnce(round, params, optimizer, split.train(), loop, report, finalLoss, start,
                        steps, epochs);
                if (round.get("replay_added") == null) {
                    List<List<ChatMessage>> conversations = new ArrayList<>();
                    split.train().forEach(e -> conversations.add(e.messages()));
                    files.history().write(published.version(), conversations);
                    replay.add(conversations, o.seed() + published.version());
                    round.put("replay_added", true);
                    files.writeRound(round);
                }
            }
            Path folder = files.current();
            curve.writeCsv(folder.resolve("loss.csv"));
            curve.writePng(folder.resolve("loss.png"));
            RoundReport.write(folder.resolve("report.json"), request, report, published, data.report(), finalLoss,
                    steps, target.checks());
            Path done = files.finish(published != null ? "v" + published.version() : "refused");
            return new RoundResult(published, report, data.report(), split.train().size(), loop.replayPerEpoch(),
                    steps, epochs, target.checks(), finalLoss, done.resolve("loss.csv"), done.resolve("loss.png"),
                    request.evalData() != null ? List.of()
                    : split.heldOut().stream().map(TrainingExample::sourceLine).sorted().toList());
        }

        /**
         * Publishes, or finds the version an interrupted run already published (recorded in round.json right
         * after the publish, and in the version's metrics as its round key), so a resume never publishes twice.
         */
        private AdapterManifest publishOnce(Map<String, Object> round, LoraParameters params, AdamW optimizer,
                List<TrainingExample> fresh, TrainingLoop loop, GateReport report, double finalLoss,
                StartingPoint start, int steps, int epochs) throws IOException {
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
            // The Fisher of this round's data and of what was replayed with it: the earlier rounds' information
            // is carried by the accumulated estimate, the new round's by its own examples.
            List<float[]> fisher = Ewc.accumulate(start.state().fisher(),
                    Ewc.estimateFisher(model.transformer(), params, fresh, FISHER_EXAMPLES, o.seed()));
            new VersionState(fisher, o.keepOptimizer() ? optimizer.firstMoments() : null,
                    o.keepOptimizer() ? optimizer.secondMoments() : null, optimizer.step())
                    .write(folder.resolve(AdapterStore.TRAINER_STATE_FILE), params);
            Map<String, Object> metrics = report.toMetrics();
            metrics.put("training", RoundFiles.map("steps", steps, "epochs", epochs, "max_epochs", o.plannedEpochs(),
                    "final_loss", Double.isFinite(finalLoss) ? finalLoss : null, "new_examples", fresh.size(),
                    "replayed_per_epoch", loop.replayPerEpoch(), "from_version", start.version(),
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
