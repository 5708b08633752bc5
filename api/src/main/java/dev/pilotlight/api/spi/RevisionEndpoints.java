package dev.pilotlight.api.spi;

import java.time.Duration;
import java.util.List;

/**
 * What the gateway needs to serve one revision: its ready instances and request limits. Published
 * whole on every change; an empty {@code ready} list means the revision has no capacity (requests
 * are held).
 *
 * @param containerConcurrency hard per-instance limit, 0 = unlimited
 * @param timeout the whole request's deadline, the wait in the holding queue included
 * @param responseStartTimeout longest wait from the request sent to the response's first byte, or
 *     null for none (then {@code timeout} applies)
 * @param idleTimeout longest time without a byte in either direction once sent, or null for none
 */
public record RevisionEndpoints(
    RevisionKey revision,
    int containerConcurrency,
    Duration timeout,
    Duration responseStartTimeout,
    Duration idleTimeout,
    List<Endpoint> ready) {
  public RevisionEndpoints {
    ready = List.copyOf(ready);
  }

  /** Without response-start and idle timeouts. */
  public RevisionEndpoints(
      RevisionKey revision, int containerConcurrency, Duration timeout, List<Endpoint> ready) {
    this(revision, containerConcurrency, timeout, null, null, ready);
  }
}
