package dev.scion.engine.weights;

import java.util.Arrays;

/**
 * A tensor to be written: values held as float32 and narrowed to {@code dtype} on writing.
 *
 * @param shape dimensions, row-major
 * @param values product(shape) elements, row-major
 */
public record TensorData(DType dtype, long[] shape, float[] values) {
    public TensorData {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
    }

    public static TensorData f32(float[] values, long... shape) {
        return new TensorData(DType.F32, shape, values);
    }
}
