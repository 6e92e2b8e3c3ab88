package dev.scion.engine.lora;

/**
 * One adapted projection: the update is {@code scaling * B · A}, added to the frozen weight.
 *
 * @param a (rank, in) row-major, as PEFT stores lora_A.weight
 * @param b (out, rank) row-major, as PEFT stores lora_B.weight
 */
public record LoraFactor(int rank, int in, int out, double scaling, float[] a, float[] b) {
    public LoraFactor {
        if (a.length != (long) rank * in || b.length != (long) out * rank) {
            throw new IllegalArgumentException("LoRA factor sizes do not match rank " + rank + ", in " + in + ", out " + out);
        }
    }
}
