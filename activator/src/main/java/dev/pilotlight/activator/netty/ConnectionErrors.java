package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the handlers that close a connection on an exception do first: count it ({@code
 * connection_errors_total{side,kind}}) and log it. A peer's reset or a decoder's refusal is
 * ordinary on an open port and logged at debug; anything else is a bug and logged as a warning, at
 * most one line per {@value #WARN_INTERVAL_SECONDS} s with the count of those left out, so that no
 * client can fill the log by repeating one.
 */
final class ConnectionErrors {
  static final String IO = "io";
  static final String PROTOCOL = "protocol";
  static final String INTERNAL = "internal";
  static final long WARN_INTERVAL_SECONDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionErrors.class);
  private static final AtomicLong nextWarnNanos = new AtomicLong(Long.MIN_VALUE);
  private static final AtomicLong suppressed = new AtomicLong();

  private ConnectionErrors() {}

  /** Counts and logs {@code cause}, caught on {@code ch}; the caller closes the connection. */
  static void caught(GatewayMetrics metrics, String side, Channel ch, Throwable cause) {
    String kind = kind(cause);
    metrics.connectionError(side, kind);
    if (kind != INTERNAL) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("{} connection {} closed: {}", side, ch.remoteAddress(), cause.toString());
      }
      return;
    }
    long now = System.nanoTime();
    long next = nextWarnNanos.get();
    if ((next == Long.MIN_VALUE || now - next >= 0)
        && nextWarnNanos.compareAndSet(
            next, now + TimeUnit.SECONDS.toNanos(WARN_INTERVAL_SECONDS))) {
      long left = suppressed.getAndSet(0);
      LOG.warn(
          "{} connection {} closed on an unexpected error{}",
          side,
          ch.remoteAddress(),
          left == 0 ? "" : " (" + left + " more in the last " + WARN_INTERVAL_SECONDS + " s)",
          cause);
    } else {
      suppressed.incrementAndGet();
    }
  }

  /** {@link #IO}, {@link #PROTOCOL} or {@link #INTERNAL}, by the cause and what it wraps. */
  static String kind(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return IO;
      }
      if (t instanceof DecoderException || t instanceof Http2Exception) {
        return PROTOCOL;
      }
    }
    return INTERNAL;
  }
}
