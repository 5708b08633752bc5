package dev.pilotlight.loadtest.schedule;

import java.util.List;

/**
 * When each request of an open-loop run is meant to be sent, as a pure function of the phases: the
 * n-th request of a phase at rate r goes out at phaseStart + n / r. Latency is measured from these
 * intended times, so a stalled server shows up in the percentiles instead of silently slowing the
 * generator (coordinated omission). Times are nanoseconds from the start of the run.
 */
public final class SendSchedule {
  private final List<Phase> phases;
  private int phase;
  private long phaseStart;
  private long sentInPhase;

  public SendSchedule(List<Phase> phases) {
    this.phases = List.copyOf(phases);
  }

  /**
   * The intended time of the next request, or -1 when the schedule is over. Advances the schedule.
   */
  public long next() {
    while (phase < phases.size()) {
      Phase p = phases.get(phase);
      long length = p.duration().toNanos();
      if (p.rate() > 0) {
        long at = phaseStart + (long) Math.floor(sentInPhase * 1e9 / p.rate());
        if (at < phaseStart + length) {
          sentInPhase++;
          return at;
        }
      }
      phaseStart += length;
      phase++;
      sentInPhase = 0;
    }
    return -1;
  }

  /** The rate the schedule asks for at {@code nanos} from the start, 0 past the end. */
  public double rateAt(long nanos) {
    long start = 0;
    for (Phase p : phases) {
      long end = start + p.duration().toNanos();
      if (nanos < end) {
        return p.rate();
      }
      start = end;
    }
    return 0;
  }
}
