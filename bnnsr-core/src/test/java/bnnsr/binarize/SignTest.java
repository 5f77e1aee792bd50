package bnnsr.binarize;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SignTest {
    @Test void signOfZeroIsPlusOne() {
        assertEquals(1f, Sign.of(0f));
        assertEquals(1f, Sign.of(-0f));
        assertEquals(1f, Sign.of(Float.MIN_VALUE));
        assertEquals(-1f, Sign.of(-Float.MIN_VALUE));
        assertEquals(1f, Sign.of(3e38f));
        assertEquals(-1f, Sign.of(Float.NEGATIVE_INFINITY));
    }

    @Test void clippedSteIsInclusiveAtOne() {
        assertEquals(2.5f, Sign.clippedSte(1f, 2.5f));
        assertEquals(2.5f, Sign.clippedSte(-1f, 2.5f));
        assertEquals(-2.5f, Sign.clippedSte(0f, -2.5f));
        assertEquals(0f, Sign.clippedSte(Math.nextUp(1f), 2.5f));
        assertEquals(0f, Sign.clippedSte(-1.5f, 2.5f));
        assertEquals(0f, Sign.clippedSte(Float.NaN, 2.5f));
    }

    @Test void absGradIsPytorchSgn() {
        assertEquals(1f, Sign.absGrad(0.3f));
        assertEquals(-1f, Sign.absGrad(-0.3f));
        assertEquals(0f, Sign.absGrad(0f));
    }
}
