package dev.pilotlight.loadtest.scenario;

import dev.pilotlight.loadtest.schedule.Phase;
import dev.pilotlight.loadtest.schedule.Phases;
import java.time.Duration;
import java.util.List;

/** The load a run sends. */
public sealed interface Load {
  /** How long the load is scheduled to last, idle phases included (a burst: zero). */
  Duration length();

  /** How long requests are sent: {@link #length()} less idle (rate 0) phases. */
  default Duration loadLength() {
    return length();
  }

  /** For the report, e.g. {@code open loop 10s@0,30s@200}. */
  String describe();

  /** {@code 1.5s}, {@code 30s}. */
  static String seconds(Duration d) {
    return number(d.toMillis() / 1000.0) + "s";
  }

  /** A number without a trailing {@code .0}. */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Requests leave on the schedule of the phases whatever the server does. */
  record Open(List<Phase> phases) implements Load {
    @Override
    public Duration length() {
      return Phases.total(phases);
    }

    @Override
    public Duration loadLength() {
      return Phases.total(phases.stream().filter(p -> p.rate() > 0).toList());
    }

    @Override
    public String describe() {
      return "open loop "
          + String.join(
              ",",
              phases.stream().map(p -> seconds(p.duration()) + "@" + number(p.rate())).toList());
    }
  }

  /** {@code concurrency} requests kept in flight for {@code duration}. */
  record Closed(int concurrency, Duration duration) implements Load {
    @Override
    public Duration length() {
      return duration;
    }

    @Override
    public String describe() {
      return "closed loop, " + concurrency + " in flight for " + seconds(duration);
    }
  }

  /** {@code requests} requests at once. */
  record Burst(int requests) implements Load {
    @Override
    public Duration length() {
      return Duration.ZERO;
    }

    @Override
    public String describe() {
      return "burst of " + requests + " concurrent requests";
    }
  }
}
