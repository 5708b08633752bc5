package dev.pilotlight.api.spi;

import java.time.Duration;
import java.util.List;

/**
 * What the gateway needs to serve one revision: its ready instances, its starting instances and how
 * to probe them, and request limits. Published whole on every change; an empty {@code ready} list
 * means the revision has no capacity known to the runtime (requests are held).
 *
 * <p>The gateway probes each {@code starting} instance itself (at least every 100 ms) and routes to
 * it from its first successful probe, before the runtime's own readiness signal, which may be
 * seconds slower (Knative's activator does the same with not-yet-ready pod addresses).
 *
 * @param containerConcurrency hard per-instance limit, 0 = unlimited
 * @param timeout the whole request's deadline, the wait in the holding queue included
 * @param responseStartTimeout longest wait from the request sent to the response's first byte, or
 *     null for none (then {@code timeout} applies)
 * @param idleTimeout longest time without a byte in either direction once sent, or null for none
 * @param ready instances the runtime reports ready
 * @param starting instances started (their process or container running) but not yet known ready;
 *     never one of {@code ready}
 * @param probe how to probe the starting instances; {@link ReadinessProbe#TCP} when null
 * @param reserve how the revision's reserve instance (the pilot light, {@link
 *     InstanceClass#RESERVE} among the instances) may be used; when null, with the revision's
 *     {@code containerConcurrency} and serving nothing alone
 * @param problem why the revision has no instance to serve, as its runtime says (an image that
 *     cannot be pulled, a crash loop, a missing ConfigMap), else null: a request held until its
 *     deadline gets it with its 503
 */
public record RevisionEndpoints(
    RevisionKey revision,
    int containerConcurrency,
    Duration timeout,
    Duration responseStartTimeout,
    Duration idleTimeout,
    List<Endpoint> ready,
    List<Endpoint> starting,
    ReadinessProbe probe,
    Reserve reserve,
    String problem) {
  public RevisionEndpoints {
    ready = List.copyOf(ready);
    starting = starting == null ? List.of() : List.copyOf(starting);
    probe = probe == null ? ReadinessProbe.TCP : probe;
    reserve = reserve == null ? new Reserve(containerConcurrency, 0) : reserve;
  }

  /**
   * The reserve's limits. The gateway sends a request to the reserve only while no standard
   * instance is ready, and pokes the autoscaler when it does unless the revision's in-flight
   * requests are within {@code servesUpTo}.
   *
   * @param containerConcurrency the reserve's hard limit, 0 = unlimited
   * @param servesUpTo requests in flight the reserve may carry alone without a poke
   */
  public record Reserve(int containerConcurrency, int servesUpTo) {}

  /** With no problem known. */
  public RevisionEndpoints(
      RevisionKey revision,
      int containerConcurrency,
      Duration timeout,
      Duration responseStartTimeout,
      Duration idleTimeout,
      List<Endpoint> ready,
      List<Endpoint> starting,
      ReadinessProbe probe,
      Reserve reserve) {
    this(
        revision,
        containerConcurrency,
        timeout,
        responseStartTimeout,
        idleTimeout,
        ready,
        starting,
        probe,
        reserve,
        null);
  }

  /** Without a reserve of its own limits. */
  public RevisionEndpoints(
      RevisionKey revision,
      int containerConcurrency,
      Duration timeout,
      Duration responseStartTimeout,
      Duration idleTimeout,
      List<Endpoint> ready,
      List<Endpoint> starting,
      ReadinessProbe probe) {
    this(
        revision,
        containerConcurrency,
        timeout,
        responseStartTimeout,
        idleTimeout,
        ready,
        starting,
        probe,
        null);
  }

  /** Without starting instances. */
  public RevisionEndpoints(
      RevisionKey revision,
      int containerConcurrency,
      Duration timeout,
      Duration responseStartTimeout,
      Duration idleTimeout,
      List<Endpoint> ready) {
    this(
        revision,
        containerConcurrency,
        timeout,
        responseStartTimeout,
        idleTimeout,
        ready,
        List.of(),
        ReadinessProbe.TCP);
  }

  /** Without response-start and idle timeouts, and without starting instances. */
  public RevisionEndpoints(
      RevisionKey revision, int containerConcurrency, Duration timeout, List<Endpoint> ready) {
    this(revision, containerConcurrency, timeout, null, null, ready);
  }

  /** The same revision and limits with other ready and starting instances. */
  public RevisionEndpoints withInstances(List<Endpoint> ready, List<Endpoint> starting) {
    return new RevisionEndpoints(
        revision,
        containerConcurrency,
        timeout,
        responseStartTimeout,
        idleTimeout,
        ready,
        starting,
        probe,
        reserve,
        problem);
  }
}
