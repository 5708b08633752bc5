package dev.pilotlight.api.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The wire form of one activator's per-second report to the autoscaler's HTTP intake ({@code POST
 * /v1/stats}, JSON, {@code Authorization: Bearer <token>}): its stats and any pokes.
 *
 * @param activator the reporting activator replica, for diagnostics
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatBatch(String activator, List<Stat> stats, List<Poke> pokes) {
  public StatBatch {
    stats = stats == null ? List.of() : List.copyOf(stats);
    pokes = pokes == null ? List.of() : List.copyOf(pokes);
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
