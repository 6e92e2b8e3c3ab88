package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Small helpers shared by the runtime's classes. */
final class Tensors {
    private Tensors() {}

    /** A float32 array built in Java, in the compute type (the same array when that is float32). */
    static NDArray inType(NDArray float32, DataType type) {
        return type == DataType.FLOAT32 ? float32 : float32.toType(type, false);
    }
}
