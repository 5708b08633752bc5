package dev.pilotlight.autoscaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.autoscaler.scaling.Prewarm.Advice;
import dev.pilotlight.autoscaler.scaling.Prewarm.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The histogram policy's windows and advice, from idle times known by hand. */
class PrewarmTest {
  static final long S = 1_000_000_000L;
  static final long MIN = 60 * S;

  static IdleTimeHistogram of(long... idleNanos) {
    IdleTimeHistogram h = new IdleTimeHistogram();
    for (long n : idleNanos) {
      h.record(n);
    }
    return h;
  }

  static long[] times(int n, long each) {
    long[] t = new long[n];
    java.util.Arrays.fill(t, each);
    return t;
  }

  @Test
  void aTimerEveryTenMinutes_prewarmAfterNineMinutes_keptUntilTwelvePointOne() {
    Prediction p = of(times(10, 10 * MIN + 3 * S)).prediction();
    assertThat(p.representative()).isTrue();
    assertThat(p.prewarmNanos()).as("bin 10's lower edge less 10%").isEqualTo(9 * MIN);
    assertThat(p.prewarmNanos() + p.keepAliveNanos())
        .as("bin 10's upper edge plus 10%")
        .isEqualTo(726 * S);
    assertThat(p.samples()).isEqualTo(10);
  }

  @ParameterizedTest(name = "{0} s into the idle period: {1}")
  @CsvSource({
    "0, NONE",
    "1, NONE",
    "2, ZERO",
    "539, ZERO",
    "540, ONE",
    "725, ONE",
    "726, PAST",
    "100000, PAST"
  })
  void adviceAlongOneIdlePeriod(long seconds, Advice expected) {
    Prediction p = of(times(10, 10 * MIN + 3 * S)).prediction();
    assertThat(Prewarm.advise(p, seconds * S)).isEqualTo(expected);
  }

  @Test
  void shortIdleTimes_noPrewarmWindow_keepAliveOfTheTail() {
    Prediction p = of(times(30, 20 * S)).prediction();
    assertThat(p.representative()).isTrue();
    assertThat(p.prewarmNanos()).isZero();
    assertThat(p.keepAliveNanos()).as("one minute plus 10%").isEqualTo(66 * S);
    assertThat(Prewarm.advise(p, 10 * S)).isEqualTo(Advice.ONE);
    assertThat(Prewarm.advise(p, 66 * S)).isEqualTo(Advice.PAST);
  }

  @Test
  void withThePilotLight_theKeepAliveWindowIsCapped() {
    Prediction p = of(times(10, 10 * MIN + 3 * S)).prediction();
    long cap = 90 * S; // 60 s stable window + 30 s grace
    assertThat(Prewarm.advise(p, 539 * S, cap)).isEqualTo(Advice.ZERO);
    assertThat(Prewarm.advise(p, 629 * S, cap)).isEqualTo(Advice.ONE);
    assertThat(Prewarm.advise(p, 630 * S, cap)).isEqualTo(Advice.PAST);
    assertThat(Prewarm.advise(p, 630 * S)).as("without a cap").isEqualTo(Advice.ONE);
  }

  @Test
  void fewerThanTenIdleTimes_notRepresentative_noAdvice() {
    Prediction p = of(times(9, 10 * MIN)).prediction();
    assertThat(p.representative()).isFalse();
    assertThat(Prewarm.advise(p, 5 * MIN)).isEqualTo(Advice.NONE);
  }

  @Test
  void aTailBeyondTheRange_notRepresentative() {
    long[] t = times(20, 10 * MIN);
    t[0] = 5 * 60 * MIN; // five hours: more than 1% of the idle times are out of range
    IdleTimeHistogram h = of(t);
    assertThat(h.outOfRange()).isEqualTo(1);
    assertThat(h.percentileBin(99)).isEqualTo(-1);
    assertThat(h.prediction().representative()).isFalse();
  }

  @Test
  void aSpreadHistogram_headAndTailFromTheirPercentiles() {
    // 100 idle times: 5 of 2 min, 90 of 30 min, 5 of 100 min
    long[] t = new long[100];
    for (int i = 0; i < 100; i++) {
      t[i] = i < 5 ? 2 * MIN + S : i < 95 ? 30 * MIN + S : 100 * MIN + S;
    }
    IdleTimeHistogram h = of(t);
    assertThat(h.percentileBin(5)).isEqualTo(2);
    assertThat(h.percentileBin(6)).isEqualTo(30);
    assertThat(h.percentileBin(99)).isEqualTo(100);
    Prediction p = h.prediction();
    assertThat(p.prewarmNanos()).isEqualTo(108 * S);
    assertThat(p.prewarmNanos() + p.keepAliveNanos()).isEqualTo(101 * 66 * S);
  }

  @Test
  void countsAreHalvedAtTheBound_memoryStaysFixed() {
    IdleTimeHistogram h = new IdleTimeHistogram();
    for (int i = 0; i < IdleTimeHistogram.MAX_COUNT - 1; i++) {
      h.record(3 * MIN);
    }
    assertThat(h.count()).isEqualTo(IdleTimeHistogram.MAX_COUNT - 1);
    h.record(3 * MIN);
    assertThat(h.count()).isEqualTo(IdleTimeHistogram.MAX_COUNT / 2);
    assertThat(h.percentileBin(50)).isEqualTo(3);
  }

  @Test
  void theReasonNamesTheWindows() {
    Prediction p = of(times(10, 10 * MIN + 3 * S)).prediction();
    assertThat(Prewarm.reason(Advice.ZERO, p))
        .isEqualTo(
            "prewarm: a long idle period is predicted, standard instances at zero"
                + " (prewarm after 9m, keep-alive 3m6s, from 10 idle times)");
  }
}
