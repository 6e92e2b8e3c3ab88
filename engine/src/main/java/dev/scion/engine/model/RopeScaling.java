package dev.scion.engine.model;

/**
 * The {@code rope_scaling} block of {@code config.json}. Only the kinds that change inference
 * without extra state are supported: none, "linear" and Llama 3.1's "llama3".
 */
public record RopeScaling(
        String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {

    /**
     * Inverse frequencies for each pair of dimensions of one head, scaled as Hugging Face's
     * {@code _compute_llama3_parameters} / linear scaling do.
     */
    public static double[] inverseFrequencies(int headDim, double theta, RopeScaling scaling) {
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
        }
        if (scaling == null) {
            return inv;
        }
        if (scaling.type.equals("linear")) {
            for (int i = 0; i < inv.length; i++) {
                inv[i] /= scaling.factor;
            }
            return inv;
        }
        // llama3: long wavelengths are slowed by factor, short ones kept, the band between blended.
        double lowFreqWavelen = scaling.originalMaxPositionEmbeddings / scaling.lowFreqFactor;
        double highFreqWavelen = scaling.originalMaxPositionEmbeddings / scaling.highFreqFactor;
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowFreqWavelen) {
                inv[i] = inv[i] / scaling.factor;
            } else if (wavelen >= highFreqWavelen) {
                double smooth = (scaling.originalMaxPositionEmbeddings / wavelen - scaling.lowFreqFactor)
                        / (scaling.highFreqFactor - scaling.lowFreqFactor);
                inv[i] = (1 - smooth) * inv[i] / scaling.factor + smooth * inv[i];
            }
        }
        return inv;
    }
}
