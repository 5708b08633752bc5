package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.ClientLimits;

/**
 * Which client timeout runs on a connection, and when it passes: a pure function of where the
 * connection is between requests and of the times of its last events (nanos of the gateway's
 * ticker), fed by {@link ClientTimeoutHandler}.
 *
 * <p>Phases and the timeout of each:
 *
 * <ul>
 *   <li>{@code FIRST}, a new connection before any byte, and {@code HEAD}, a request head begun:
 *       {@link Kind#HEADER}, from the accept for the first request, else from the head's first byte
 *       (so a slowloris client that sends a byte a second still has one header timeout for the
 *       whole head);
 *   <li>{@code IDLE}, after a response, waiting for the next request: {@link Kind#IDLE};
 *   <li>{@code BODY}, a request head read, its body not yet: {@link Kind#BODY}, only while a read
 *       is outstanding, from the later of the read's request and the last byte. A held request, or
 *       one whose instance takes the body slowly, has no read outstanding: no timeout runs;
 *   <li>{@code BUSY}, the request read whole, its response not yet written: none (the revision's
 *       timeouts govern);
 *   <li>{@code HTTP2}, an HTTP/2 connection: {@link Kind#HTTP2_IDLE} while it has no open stream,
 *       from the close of its last one (or from the switch to HTTP/2).
 * </ul>
 *
 * <p>On an HTTP/2 stream ({@code stream} true) only the body timeout applies: the stream exists
 * because its head came.
 */
final class ClientTimeouts {
  /** The timeouts, with their {@code kind} label in metrics. */
  enum Kind {
    HEADER("header"),
    IDLE("idle"),
    BODY("body"),
    HTTP2_IDLE("http2_idle");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  enum Phase {
    FIRST,
    HEAD,
    IDLE,
    BODY,
    BUSY,
    HTTP2
  }

  private final long headerNanos;
  private final long idleNanos;
  private final long bodyNanos;
  private final long http2IdleNanos;
  private final boolean stream;

  private Phase phase = Phase.FIRST;

  /** When the current phase's clock started (FIRST, HEAD, IDLE, HTTP2). */
  private long since;

  private boolean reading;
  private long readSince;
  private long lastInbound;
  private boolean bytesSeen;
  private int openStreams;

  ClientTimeouts(ClientLimits limits, boolean stream, long now) {
    this.headerNanos = limits.headerTimeout().toNanos();
    this.idleNanos = limits.keepAliveTimeout().toNanos();
    this.bodyNanos = limits.bodyTimeout().toNanos();
    this.http2IdleNanos = limits.http2IdleTimeout().toNanos();
    this.stream = stream;
    this.since = now;
    this.lastInbound = now;
  }

  Phase phase() {
    return phase;
  }

  /** Bytes (or, on a stream, frames) came from the client. */
  void inbound(long now) {
    lastInbound = now;
    reading = false;
    if (phase == Phase.IDLE) {
      phase = Phase.HEAD;
      since = now;
    } else if (phase == Phase.FIRST) {
      phase = Phase.HEAD; // since stays the accept
    }
    if (phase == Phase.HEAD) {
      bytesSeen = true;
    }
  }

  /** The gateway asked the socket for more bytes. */
  void readRequested(long now) {
    if (!reading) {
      reading = true;
      readSince = now;
    }
  }

  /** A request head was decoded: its body (if any) comes next. */
  void headReceived(long now) {
    if (phase == Phase.HTTP2) {
      return;
    }
    phase = Phase.BODY;
    // a read armed before the head (for pipelined bytes) counts from the head on
    readSince = Math.max(readSince, now);
    lastInbound = Math.max(lastInbound, now);
  }

  /** The current request was read to its end: nothing more is owed by the client for now. */
  void requestComplete() {
    if (phase == Phase.BODY || phase == Phase.HEAD) {
      phase = Phase.BUSY;
    }
  }

  /** A response is done and the connection waits for the next request. */
  void awaitNext(long now) {
    if (phase == Phase.HTTP2) {
      return;
    }
    phase = Phase.IDLE;
    since = now;
    bytesSeen = false;
  }

  /** The connection became HTTP/2. */
  void http2(long now) {
    phase = Phase.HTTP2;
    since = now;
    openStreams = 0;
  }

  void streamOpened() {
    openStreams++;
  }

  void streamClosed(long now) {
    if (openStreams > 0 && --openStreams == 0) {
      since = now;
    }
  }

  /** Whether part of a request head came (so a timed-out head can be answered 408). */
  boolean headBegun() {
    return phase == Phase.HEAD && bytesSeen;
  }

  /** When the running timeout passes (ticker nanos), or {@link Long#MAX_VALUE} when none runs. */
  long deadline() {
    switch (phase) {
      case FIRST, HEAD:
        return stream ? Long.MAX_VALUE : since + headerNanos;
      case IDLE:
        return stream ? Long.MAX_VALUE : since + idleNanos;
      case BODY:
        return reading ? Math.max(readSince, lastInbound) + bodyNanos : Long.MAX_VALUE;
      case HTTP2:
        return openStreams == 0 ? since + http2IdleNanos : Long.MAX_VALUE;
      default:
        return Long.MAX_VALUE;
    }
  }

  /** The timeout that has passed at {@code now}, or null. */
  Kind expired(long now) {
    long deadline = deadline();
    if (deadline == Long.MAX_VALUE || now - deadline < 0) {
      return null;
    }
    return switch (phase) {
      case FIRST, HEAD -> Kind.HEADER;
      case IDLE -> Kind.IDLE;
      case BODY -> Kind.BODY;
      case HTTP2 -> Kind.HTTP2_IDLE;
      case BUSY -> null;
    };
  }
}
