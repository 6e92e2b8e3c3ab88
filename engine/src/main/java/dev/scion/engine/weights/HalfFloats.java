package dev.scion.engine.weights;

/**
 * Conversions between float32 and the two 16-bit formats of Hugging Face checkpoints. Java 17 has
 * no {@code Float.float16ToFloat}, so IEEE half precision is decoded here; narrowing rounds to
 * nearest, ties to even, like PyTorch's {@code .to(torch.float16)} and {@code .to(torch.bfloat16)}.
 */
public final class HalfFloats {

    /** Every half-precision bit pattern decoded once: 256 KB that make F16 loading a table lookup. */
    private static final float[] F16_TABLE = new float[1 << 16];

    static {
        for (int h = 0; h < F16_TABLE.length; h++) {
            F16_TABLE[h] = decodeF16(h);
        }
    }

    private HalfFloats() {}

    /** Decodes IEEE 754 binary16 bits (the low 16 bits of {@code bits}). */
    public static float f16ToFloat(int bits) {
        return F16_TABLE[bits & 0xFFFF];
    }

    /** Decodes bfloat16 bits: they are exactly the high half of a float32. */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    private static float decodeF16(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float32.
            float magnitude = mant * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        if (exp == 0x1F) {
            // Infinity (mant 0) or NaN, keeping the payload bits.
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Narrows to IEEE 754 binary16, round to nearest even; overflow gives infinity, NaN stays NaN. */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            // Keep NaN a NaN even when its payload lives only in the dropped low bits.
            return (short) (mant == 0 ? sign | 0x7C00 : sign | 0x7E00 | (mant >>> 13));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            int full = mant | 0x800000;
            int shift = 14 - e;
            int half = full >>> shift;
            int rest = full & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
                half++; // a carry here correctly becomes the smallest normal number
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // a carry out of the largest finite value correctly becomes infinity
        }
        return (short) (sign | half);
    }

    /** Narrows to bfloat16, round to nearest even; NaN stays a (quiet) NaN. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x7FFFFF) != 0) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
