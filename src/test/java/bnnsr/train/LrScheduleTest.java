package bnnsr.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LrScheduleTest {
    @Test void stepHalvesEveryPeriod() {
        LrSchedule s = LrSchedule.of("step", 1e-4, 1000, 200, 0.5, 0);
        assertEquals(1e-4, s.lr(0), 1e-18);
        assertEquals(1e-4, s.lr(199), 1e-18);
        assertEquals(5e-5, s.lr(200), 1e-18);
        assertEquals(2.5e-5, s.lr(450), 1e-18);
    }

    @Test void cosineGoesFromBaseToMinimum() {
        LrSchedule s = LrSchedule.of("cosine", 2e-4, 1000, 0, 0, 1e-7);
        assertEquals(2e-4, s.lr(0), 1e-15);
        assertEquals(1e-7 + 0.5 * (2e-4 - 1e-7), s.lr(500), 1e-12);
        assertEquals(1e-7, s.lr(1000), 1e-15);
        assertTrue(s.lr(300) > s.lr(301));
    }

    @Test void unknownNameIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.of("linear", 1e-4, 10, 1, 1, 0));
    }
}
