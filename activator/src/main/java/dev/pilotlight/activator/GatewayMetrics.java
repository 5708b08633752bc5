package dev.pilotlight.activator;

import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionKey;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ObjIntConsumer;

/**
 * The gateway's metrics, kept in a {@link PrometheusRegistry} of its own (never the global default
 * registry, so several gateways in one JVM, as in tests, stay apart) and exposed by {@link
 * MetricsExposition}. Series, all prefixed {@value #PREFIX}:
 *
 * <ul>
 *   <li>{@code requests_total{revision,status,instance_class}}: requests answered, by the status
 *       sent to the client; {@code instance_class} is {@code standard} or {@code reserve} when an
 *       instance was involved, else {@code none}; {@code revision} is {@code namespace/name}, or
 *       empty for a request refused before it matched one (unknown host, malformed). A client that
 *       went away before any response counts as status {@value #CLIENT_CLOSED} (nginx's "client
 *       closed request"); a status outside 100–999 as {@code other}.
 *   <li>{@code request_duration_seconds{revision}}: histogram of the time from the request head
 *       read to the response's end (holding included), for requests that matched a revision.
 *   <li>{@code held_seconds{revision}}: histogram of the time spent waiting for capacity (the cold
 *       start wait), observed once per request that was held, whether it was served or not.
 *   <li>{@code in_flight{revision}}: requests in the gateway now, held ones included.
 *   <li>{@code queue_depth{revision}}: requests held in the revision's queue now.
 *   <li>{@code errors_total{reason}}: gateway-made error answers by {@link ProxyError}, every
 *       reason present from the start.
 *   <li>{@code aborted_total}: responses that had begun and could not be completed.
 *   <li>{@code connection_errors_total{side,kind}}: connections closed on an error a handler
 *       caught, by side ({@code client}, {@code upstream}) and kind ({@code io}: the peer reset it
 *       or the socket failed; {@code protocol}: a decoder refused what came; {@code internal}:
 *       anything else, a bug, also logged as a warning). Every series present from the start.
 *   <li>{@code connections}: client connections open now (HTTP/1.1 and HTTP/2 connections, not
 *       streams).
 *   <li>{@code client_timeouts_total{kind}}: client connections closed (after a 408 where one could
 *       be sent) because a client timeout passed: {@code header}, {@code idle}, {@code body},
 *       {@code http2_idle} ({@link ClientLimits}). Every kind present from the start.
 *   <li>{@code connections_refused_total}: connections accepted over the connection bound and
 *       closed at once (accepting pauses at the bound, so these are only the ones a burst brought
 *       in before it took effect).
 *   <li>{@code accept_errors_total}: failed accepts (out of descriptors, say); each pauses
 *       accepting for a moment.
 * </ul>
 *
 * <p>Hot path design: everything a request touches is resolved once. {@link #revision} finds (or
 * creates once) a {@link Revision} by {@link RevisionKey}, holding the revision's histogram data
 * points, an in-flight adder and a lazily filled table of request-counter data points indexed by
 * instance class and status code; the client's {@code labelValues} runs only when a table slot is
 * first filled. Exemplars and native histograms are off: a request costs a few adder increments and
 * a bucket search. In-flight and queue depth are read at scrape time (callbacks), so requests pay
 * nothing for them but the adder.
 *
 * <p>Cardinality: series exist per revision the gateway serves; {@link #forget} drops a removed
 * revision's series (the gateway calls it with the revision's throttler), so the exposition stays
 * bounded by the revisions alive. Status codes are bounded to 100–999 plus {@code other}.
 *
 * <p>The plain counters behind {@link #snapshot()} (used by tests and by drain on close) are kept
 * next to the Prometheus series.
 */
public final class GatewayMetrics {
  /** Prefix of every series name. */
  public static final String PREFIX = "pilotlight_gateway_";

  /** The status counted for a request whose client went away before any response. */
  public static final int CLIENT_CLOSED = 499;

  /** Histogram bounds in seconds: 1 ms (a warm proxied request) to 300 s (the longest hold). */
  static final double[] SECONDS_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
  };

  /** The {@code side} label of a client connection's error. */
  public static final String CLIENT_SIDE = "client";

  /** The {@code side} label of an upstream (instance) connection's error. */
  public static final String UPSTREAM_SIDE = "upstream";

  /** The {@code kind} labels of connection errors. */
  public static final java.util.List<String> ERROR_KINDS =
      java.util.List.of("io", "protocol", "internal");

  static final String NO_REVISION = "";
  static final String NO_INSTANCE = "none";
  static final String OTHER_STATUS = "other";

  /** Instance class slots: none, then each {@link InstanceClass} by ordinal. */
  private static final int CLASSES = InstanceClass.values().length + 1;

  /** Status hundreds with a table row each: 1xx to 9xx. */
  private static final int HUNDREDS = 9;

  /** Each revision's holding-queue depth, read at scrape time. */
  @FunctionalInterface
  public interface QueueDepths {
    /** Calls {@code sink} with each revision and the number of requests it holds now. */
    void forEach(ObjIntConsumer<RevisionKey> sink);
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram duration;
  private final Histogram held;
  private final Counter errors;
  private final Counter aborted;
  private final Counter connectionErrors;
  private final CounterDataPoint[] errorPoints;
  private final Counter clientTimeouts;
  private final CounterDataPoint connectionsRefused;
  private final CounterDataPoint acceptErrors;
  private final java.util.concurrent.atomic.AtomicInteger connections =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Map<RevisionKey, Revision> revisions = new ConcurrentHashMap<>();
  private final Revision unrouted;

  private final LongAdder started = new LongAdder();
  private final LongAdder finished = new LongAdder();
  private final LongAdder proxied = new LongAdder();
  private final LongAdder heldCount = new LongAdder();

  /** Metrics without queue depths (no throttlers to read). */
  public GatewayMetrics() {
    this(sink -> {});
  }

  /**
   * @param queueDepths read at every scrape for {@code queue_depth}
   */
  public GatewayMetrics(QueueDepths queueDepths) {
    requests =
        Counter.builder()
            .name(PREFIX + "requests_total")
            .help("Requests answered, by revision, status sent and instance class.")
            .labelNames("revision", "status", "instance_class")
            .withoutExemplars()
            .register(registry);
    duration =
        Histogram.builder()
            .name(PREFIX + "request_duration_seconds")
            .help("Time from request head to the response's end (holding included).")
            .unit(Unit.SECONDS)
            .labelNames("revision")
            .classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS)
            .withoutExemplars()
            .register(registry);
    held =
        Histogram.builder()
            .name(PREFIX + "held_seconds")
            .help("Time held waiting for capacity (the cold-start wait), for held requests.")
            .unit(Unit.SECONDS)
            .labelNames("revision")
            .classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS)
            .withoutExemplars()
            .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "in_flight")
        .help("Requests in the gateway now, held ones included.")
        .labelNames("revision")
        .callback(
            cb -> {
              for (Revision r : revisions.values()) {
                cb.call(r.inFlight.sum(), r.label);
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "queue_depth")
        .help("Requests held waiting for capacity now.")
        .labelNames("revision")
        .callback(cb -> queueDepths.forEach((rev, depth) -> cb.call(depth, rev.toString())))
        .register(registry);
    errors =
        Counter.builder()
            .name(PREFIX + "errors_total")
            .help("Error answers made by the gateway, by reason.")
            .labelNames("reason")
            .withoutExemplars()
            .register(registry);
    ProxyError[] all = ProxyError.values();
    errorPoints = new CounterDataPoint[all.length];
    for (ProxyError e : all) {
      errorPoints[e.ordinal()] = errors.labelValues(reason(e));
    }
    aborted =
        Counter.builder()
            .name(PREFIX + "aborted_total")
            .help("Responses that had begun and could not be completed.")
            .withoutExemplars()
            .register(registry);
    connectionErrors =
        Counter.builder()
            .name(PREFIX + "connection_errors_total")
            .help("Connections closed on an error a handler caught, by side and kind.")
            .labelNames("side", "kind")
            .withoutExemplars()
            .register(registry);
    for (String side : java.util.List.of(CLIENT_SIDE, UPSTREAM_SIDE)) {
      for (String kind : ERROR_KINDS) {
        connectionErrors.labelValues(side, kind);
      }
    }
    GaugeWithCallback.builder()
        .name(PREFIX + "connections")
        .help("Client connections open now.")
        .callback(cb -> cb.call(connections.get()))
        .register(registry);
    clientTimeouts =
        Counter.builder()
            .name(PREFIX + "client_timeouts_total")
            .help("Client connections closed because a client timeout passed, by kind.")
            .labelNames("kind")
            .withoutExemplars()
            .register(registry);
    for (String kind : TIMEOUT_KINDS) {
      clientTimeouts.labelValues(kind);
    }
    connectionsRefused =
        Counter.builder()
            .name(PREFIX + "connections_refused_total")
            .help("Client connections closed at once because the connection bound was reached.")
            .withoutExemplars()
            .register(registry)
            .labelValues();
    acceptErrors =
        Counter.builder()
            .name(PREFIX + "accept_errors_total")
            .help("Failed accepts (such as out of file descriptors); each pauses accepting.")
            .withoutExemplars()
            .register(registry)
            .labelValues();
    unrouted = new Revision(NO_REVISION, false);
  }

  /** The {@code kind} labels of client timeouts. */
  public static final java.util.List<String> TIMEOUT_KINDS =
      java.util.List.of("header", "idle", "body", "http2_idle");

  /** A client connection was accepted (and is kept). */
  public void connectionOpened() {
    connections.incrementAndGet();
  }

  /** A kept client connection closed. */
  public void connectionClosed() {
    connections.decrementAndGet();
  }

  /** Client connections open now. */
  public int connections() {
    return connections.get();
  }

  /**
   * A client timeout passed and its connection is closed.
   *
   * @param kind one of {@link #TIMEOUT_KINDS}
   */
  public void clientTimeout(String kind) {
    clientTimeouts.labelValues(kind).inc();
  }

  /** Client connections closed so far by a timeout of {@code kind}. */
  public long clientTimeouts(String kind) {
    return (long) clientTimeouts.labelValues(kind).get();
  }

  /** A connection accepted over the bound was closed at once. */
  public void connectionRefused() {
    connectionsRefused.inc();
  }

  public long connectionsRefused() {
    return connectionsRefused.getLongValue();
  }

  /** An accept failed. */
  public void acceptError() {
    acceptErrors.inc();
  }

  public long acceptErrors() {
    return acceptErrors.getLongValue();
  }

  /** The registry holding this gateway's series (and nothing else). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The {@code reason} label of an error: its name in lower case. */
  public static String reason(ProxyError e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** The metrics of {@code revision}, created on first use; resolve once per request. */
  public Revision revision(RevisionKey revision) {
    Revision r = revisions.get(revision);
    return r != null
        ? r
        : revisions.computeIfAbsent(revision, k -> new Revision(k.toString(), true));
  }

  /**
   * The revision is gone: its series leave the exposition. Requests still running for it count into
   * detached data points, which no scrape sees.
   */
  public void forget(RevisionKey revision) {
    revisions.computeIfPresent(
        revision,
        (k, r) -> {
          r.detach();
          return null;
        });
  }

  /** A request refused before it matched a revision: counted with an empty revision. */
  public void refused(ProxyError e) {
    error(e);
    unrouted.count(e.status().code(), null);
  }

  /** A gateway-made error answer (the request itself is counted when its exchange finishes). */
  public void error(ProxyError e) {
    errorPoints[e.ordinal()].inc();
  }

  public void proxied() {
    proxied.increment();
  }

  /** A request was queued for capacity. */
  public void held() {
    heldCount.increment();
  }

  /** A response that had begun could not be completed: the client connection was closed. */
  public void aborted() {
    aborted.inc();
  }

  /**
   * A connection is closed on an error a handler caught.
   *
   * @param side {@link #CLIENT_SIDE} or {@link #UPSTREAM_SIDE}
   * @param kind one of {@link #ERROR_KINDS}
   */
  public void connectionError(String side, String kind) {
    connectionErrors.labelValues(side, kind).inc();
  }

  /** Connections closed on a caught error so far, of one side and kind. */
  public long connectionErrors(String side, String kind) {
    return (long) connectionErrors.labelValues(side, kind).get();
  }

  /** Exchanges started and not yet ended, all revisions together. */
  public long inFlight() {
    return started.sum() - finished.sum();
  }

  /** An immutable copy of the plain counters. */
  public Snapshot snapshot() {
    Map<ProxyError, Long> e = new EnumMap<>(ProxyError.class);
    for (ProxyError p : ProxyError.values()) {
      e.put(p, errorPoints[p.ordinal()].getLongValue());
    }
    return new Snapshot(
        proxied.sum(),
        heldCount.sum(),
        aborted.getLongValue(),
        inFlight(),
        Map.copyOf(e),
        connections.get(),
        connectionsRefused.getLongValue());
  }

  /**
   * @param connections client connections open now
   * @param connectionsRefused connections closed at once over the connection bound, so far
   */
  public record Snapshot(
      long proxied,
      long held,
      long aborted,
      long inFlight,
      Map<ProxyError, Long> errors,
      int connections,
      long connectionsRefused) {}

  /**
   * One revision's data points, created once and kept by the requests that use it. Request counters
   * fill a table lazily: a row per instance class and status hundred, allocated on first use, with
   * a slot per status; a slot is filled under this object's lock (rare), read without one.
   */
  public final class Revision {
    private final String label;
    private final DistributionDataPoint durationPoint;
    private final DistributionDataPoint heldPoint;
    private final LongAdder inFlight = new LongAdder();
    private final AtomicReferenceArray<AtomicReferenceArray<CounterDataPoint>> table =
        new AtomicReferenceArray<>(CLASSES * HUNDREDS);
    private final CounterDataPoint[] other = new CounterDataPoint[CLASSES];
    private boolean detached; // guarded by this

    /**
     * @param histograms false for requests refused before routing: counted, never timed (their
     *     series would stay empty)
     */
    Revision(String label, boolean histograms) {
      this.label = label;
      this.durationPoint = histograms ? duration.labelValues(label) : null;
      this.heldPoint = histograms ? held.labelValues(label) : null;
    }

    /** A request for this revision arrived. */
    public void started() {
      started.increment();
      inFlight.increment();
    }

    /**
     * A request for this revision ended, however it ended.
     *
     * @param nanos from its start to its end
     * @param status the status sent to the client, or 0 when none was (client gone)
     * @param instanceClass the class of the last instance it went to, or null when none
     * @param heldNanos time it waited for capacity, or negative when it never waited
     */
    public void finished(long nanos, int status, InstanceClass instanceClass, long heldNanos) {
      finished.increment();
      inFlight.decrement();
      durationPoint.observe(nanos / 1e9);
      if (heldNanos >= 0) {
        heldPoint.observe(heldNanos / 1e9);
      }
      count(status == 0 ? CLIENT_CLOSED : status, instanceClass);
    }

    void count(int status, InstanceClass instanceClass) {
      int cls = instanceClass == null ? 0 : instanceClass.ordinal() + 1;
      CounterDataPoint p;
      if (status < 100 || status > 999) {
        p = otherPoint(cls);
      } else {
        int row = cls * HUNDREDS + status / 100 - 1;
        AtomicReferenceArray<CounterDataPoint> slots = table.get(row);
        p = slots == null ? null : slots.get(status % 100);
        if (p == null) {
          p = fill(row, status, cls);
        }
      }
      if (p != null) {
        p.inc();
      }
    }

    /** Creates the data point of a table slot, or null once detached (the count is dropped). */
    private synchronized CounterDataPoint fill(int row, int status, int cls) {
      if (detached) {
        return null;
      }
      AtomicReferenceArray<CounterDataPoint> slots = table.get(row);
      if (slots == null) {
        slots = new AtomicReferenceArray<>(100);
        table.set(row, slots);
      }
      CounterDataPoint p = slots.get(status % 100);
      if (p == null) {
        p = requests.labelValues(label, Integer.toString(status), classLabel(cls));
        slots.set(status % 100, p);
      }
      return p;
    }

    private synchronized CounterDataPoint otherPoint(int cls) {
      if (detached) {
        return null;
      }
      if (other[cls] == null) {
        other[cls] = requests.labelValues(label, OTHER_STATUS, classLabel(cls));
      }
      return other[cls];
    }

    private synchronized void detach() {
      detached = true;
      duration.remove(label);
      held.remove(label);
      requests.removeIf(values -> values.get(0).equals(label));
    }
  }

  private static String classLabel(int cls) {
    return cls == 0 ? NO_INSTANCE : InstanceClass.values()[cls - 1].label();
  }
}
