package dev.scion.engine.reference;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.RopeScaling;

/** Copies of a config with one field changed, for tests that compare two equivalent models. */
final class Configs {

    private Configs() {}

    static ModelConfig withLayers(ModelConfig c, int layers) {
        return new ModelConfig(c.architecture(), c.hiddenSize(), layers, c.numHeads(), c.numKvHeads(), c.headDim(),
                c.intermediateSize(), c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(),
                c.maxPositionEmbeddings(), c.tieWordEmbeddings(), c.attentionBias(), c.bosTokenId(), c.eosTokenIds());
    }

    static ModelConfig withKvHeads(ModelConfig c, int kvHeads) {
        return new ModelConfig(c.architecture(), c.hiddenSize(), c.numLayers(), c.numHeads(), kvHeads, c.headDim(),
                c.intermediateSize(), c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(),
                c.maxPositionEmbeddings(), c.tieWordEmbeddings(), c.attentionBias(), c.bosTokenId(), c.eosTokenIds());
    }

    static ModelConfig withTiedEmbeddings(ModelConfig c, boolean tied) {
        return new ModelConfig(c.architecture(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                c.headDim(), c.intermediateSize(), c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(),
                c.maxPositionEmbeddings(), tied, c.attentionBias(), c.bosTokenId(), c.eosTokenIds());
    }

    static ModelConfig withRopeScaling(ModelConfig c, RopeScaling scaling) {
        return new ModelConfig(c.architecture(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                c.headDim(), c.intermediateSize(), c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), scaling,
                c.maxPositionEmbeddings(), c.tieWordEmbeddings(), c.attentionBias(), c.bosTokenId(), c.eosTokenIds());
    }
}
