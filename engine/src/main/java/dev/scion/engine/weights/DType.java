package dev.scion.engine.weights;

/** Element types Scion reads from safetensors files; everything is converted to float32 on load. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
