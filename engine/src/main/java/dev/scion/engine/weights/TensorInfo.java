package dev.scion.engine.weights;

import java.nio.file.Path;

/**
 * Where one named tensor lives.
 *
 * @param shape dimensions as stored (row-major)
 * @param offset byte offset of the data from the start of the file
 */
public record TensorInfo(String name, DType dtype, long[] shape, Path file, long offset, long byteLength) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
