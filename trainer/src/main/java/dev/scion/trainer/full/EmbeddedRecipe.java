package dev.scion.trainer.full;

import dev.scion.engine.embedded.ModelShape;
import dev.scion.trainer.TrainOptions.Schedule;
import dev.scion.trainer.corpus.WordNetCorpus;
import java.nio.file.Path;

/**
 * The recipe for the embedded model ({@code ./scion pretrain --recipe embedded}): WordNet 3.0's glosses and
 * examples, a Qwen2-architecture model of about 6M parameters with a 6000-merge byte-level BPE tokenizer learned
 * from them, pretrained on the text and then instruction-tuned on the question/answer pairs: an estimated 2-2.5
 * hours on this 2-core CPU (docs/embedded-model.md has the figures and the projection). Everything is fixed
 * here (shape, seed, steps, rates), so the same corpus gives the same weights bit for bit.
 */
public final class EmbeddedRecipe {
    /** Hidden 256, 6 layers, 4 heads of 64 with 2 key/value heads, MLP 768, 6000 merges, 512 positions. */
    public static final ModelShape SHAPE = new ModelShape(256, 6, 4, 2, 768, 6000, 512);
    public static final long SEED = 20261202L;
    public static final int SEQ_LEN = 128;
    public static final int BATCH = 8;
    /** Pretraining: 8 x 128 tokens a step, 8.2M tokens, about 2.3 passes over the 3.6M-token text. */
    public static final int PRETRAIN_STEPS = 8_000;
    /** Instruction tuning: 8 pairs a step, 24k of the 160k training pairs. */
    public static final int INSTRUCT_STEPS = 3_000;
    public static final int SAVE_STEPS = 250;

    /** The recipe's folders under its output folder. */
    public static final String CORPUS = "corpus";
    public static final String PRETRAINED = "pretrained";
    public static final String MODEL = "model";

    private EmbeddedRecipe() {}

    /** Phase 1: pretraining a fresh model on the corpus text, scored on the held-out text. */
    public static PretrainOptions pretraining(Path out, int steps, boolean resume) {
        Path corpus = out.resolve(CORPUS);
        return new PretrainOptions(corpus.resolve(WordNetCorpus.PRETRAIN), out.resolve(PRETRAINED), null, SHAPE,
                corpus.resolve(WordNetCorpus.PRETRAIN_HELD_OUT), steps, BATCH, 1, SEQ_LEN, 2e-3, 0.02,
                Schedule.COSINE, 0.1, 1.0, SEED, SAVE_STEPS, resume, false);
    }

    /** Phase 2: instruction tuning the pretrained model on the pairs (answers trained), scored on held-out pairs. */
    public static PretrainOptions instructionTuning(Path out, int steps, boolean resume) {
        Path corpus = out.resolve(CORPUS);
        return new PretrainOptions(corpus.resolve(WordNetCorpus.INSTRUCTIONS), out.resolve(MODEL),
                out.resolve(PRETRAINED), null, corpus.resolve(WordNetCorpus.INSTRUCTIONS_HELD_OUT), steps, BATCH, 1,
                SEQ_LEN, 5e-4, 0.03, Schedule.COSINE, 0.1, 1.0, SEED + 1, SAVE_STEPS, resume, true);
    }
}
