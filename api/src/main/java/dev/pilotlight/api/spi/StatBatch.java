package dev.pilotlight.api.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The wire form of one activator's per-second report to the autoscaler's HTTP intake ({@code POST
 * /v1/stats}, JSON, {@code Authorization: Bearer <token>}): its stats and any pokes.
 *
 * <p>A batch may be delivered twice: the activator resends one whose post failed, and the first
 * post may have been processed all the same (a timeout after the intake read it). {@code instance}
 * and {@code sequence} name it, so the intake counts it once.
 *
 * @param activator the reporting activator replica, for diagnostics
 * @param instance the sending process, unique per start (a restarted pod keeps its name, not its
 *     instance); null from senders that do not number their batches
 * @param sequence the batch's number within {@code instance}, from 1; null when not numbered
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatBatch(
    String activator, String instance, Long sequence, List<Stat> stats, List<Poke> pokes) {
  public StatBatch {
    stats = stats == null ? List.of() : List.copyOf(stats);
    pokes = pokes == null ? List.of() : List.copyOf(pokes);
  }

  /** An unnumbered batch (never deduplicated). */
  public StatBatch(String activator, List<Stat> stats, List<Poke> pokes) {
    this(activator, null, null, stats, pokes);
  }

  /** Whether the batch carries its identity, so a second delivery can be recognized. */
  public boolean numbered() {
    return instance != null && !instance.isEmpty() && sequence != null && sequence > 0;
  }

  /** One revision's second: time-weighted average concurrency and request count. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Stat(String namespace, String revision, double concurrency, long requests) {
    public StatRecord toRecord() {
      return new StatRecord(new RevisionKey(namespace, revision), concurrency, requests);
    }

    public static Stat of(StatRecord r) {
      return new Stat(
          r.revision().namespace(), r.revision().name(), r.averageConcurrency(), r.requestCount());
    }
  }

  /** A request is waiting for a revision at zero. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Poke(String namespace, String revision) {
    public RevisionKey key() {
      return new RevisionKey(namespace, revision);
    }
  }
}
