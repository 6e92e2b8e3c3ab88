package dev.scion.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void decodesKnownF16BitPatterns() {
        assertEquals(1.0f, HalfFloats.f16ToFloat(0x3C00));
        assertEquals(-2.0f, HalfFloats.f16ToFloat(0xC000));
        assertEquals(65504f, HalfFloats.f16ToFloat(0x7BFF));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.f16ToFloat(0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat(0xFC00));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(0x7E00)));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat(0x0001)); // smallest subnormal
        assertEquals(0x3FFp-24f, HalfFloats.f16ToFloat(0x03FF)); // largest subnormal
        assertEquals(0x1p-14f, HalfFloats.f16ToFloat(0x0400)); // smallest normal
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(HalfFloats.f16ToFloat(0x8000)));
    }

    @Test
    void decodesKnownBf16BitPatterns() {
        assertEquals(1.0f, HalfFloats.bf16ToFloat(0x3F80));
        assertEquals(-2.0f, HalfFloats.bf16ToFloat(0xC000));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bf16ToFloat(0x7F80));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(0x7FC0)));
        assertEquals(Float.intBitsToFloat(0x00010000), HalfFloats.bf16ToFloat(0x0001));
    }

    @Test
    void everyF16ValueSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToFloat(h);
            int back = HalfFloats.floatToF16(f) & 0xFFFF;
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.f16ToFloat(back)), "NaN 0x" + Integer.toHexString(h));
            } else {
                assertEquals(h, back, "f16 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void everyBf16ValueSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.bf16ToFloat(h);
            int back = HalfFloats.floatToBf16(f) & 0xFFFF;
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(back)), "NaN 0x" + Integer.toHexString(h));
            } else {
                assertEquals(h, back, "bf16 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void f16RoundsToNearestEven() {
        // 1 + 2^-11 is exactly between 1.0 (even mantissa) and 1 + 2^-10: ties go to 1.0.
        assertEquals(0x3C00, HalfFloats.floatToF16(1f + 0x1p-11f) & 0xFFFF);
        // 1 + 3*2^-11 is between 1+2^-10 (odd) and 1+2^-9 (even): ties go up to the even one.
        assertEquals(0x3C02, HalfFloats.floatToF16(1f + 3 * 0x1p-11f) & 0xFFFF);
        // Just above the tie rounds up.
        assertEquals(0x3C01, HalfFloats.floatToF16(Math.nextUp(1f + 0x1p-11f)) & 0xFFFF);
        // 65520 is the tie between 65504 and the next (infinite) step: rounds to infinity; just below stays finite.
        assertEquals(0x7C00, HalfFloats.floatToF16(65520f) & 0xFFFF);
        assertEquals(0x7BFF, HalfFloats.floatToF16(Math.nextDown(65520f)) & 0xFFFF);
        assertEquals(0x7C00, HalfFloats.floatToF16(1e10f) & 0xFFFF);
        assertEquals(0xFC00, HalfFloats.floatToF16(Float.NEGATIVE_INFINITY) & 0xFFFF);
        // Subnormals: half the smallest subnormal is a tie that goes to zero; a little more rounds up.
        assertEquals(0x0000, HalfFloats.floatToF16(0x1p-25f) & 0xFFFF);
        assertEquals(0x0001, HalfFloats.floatToF16(Math.nextUp(0x1p-25f)) & 0xFFFF);
        assertEquals(0x0002, HalfFloats.floatToF16(1.5f * 0x1p-24f) & 0xFFFF);
        // The largest subnormal plus half a step carries into the smallest normal.
        assertEquals(0x0400, HalfFloats.floatToF16(0x3FFp-24f + 0x1p-25f) & 0xFFFF);
        assertEquals(0x8000, HalfFloats.floatToF16(-1e-30f) & 0xFFFF);
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.intBitsToFloat(0x7F800001)))));
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 is the tie between 1.0 (0x3F80, even) and 0x3F81: goes to 1.0.
        assertEquals(0x3F80, HalfFloats.floatToBf16(1f + 0x1p-8f) & 0xFFFF);
        // 1 + 3*2^-8 is the tie between 0x3F81 (odd) and 0x3F82: goes up.
        assertEquals(0x3F82, HalfFloats.floatToBf16(1f + 3 * 0x1p-8f) & 0xFFFF);
        assertEquals(0x3F81, HalfFloats.floatToBf16(Math.nextUp(1f + 0x1p-8f)) & 0xFFFF);
        assertEquals(0x7F80, HalfFloats.floatToBf16(Float.MAX_VALUE) & 0xFFFF);
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7F800001)))));
    }
}
