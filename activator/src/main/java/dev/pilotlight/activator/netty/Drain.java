package dev.pilotlight.activator.netty;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameCodec;

/**
 * The gateway's drain, as Envoy's and Go's servers drain: from {@link #start()} every client
 * connection is asked to go away while the gateway still serves it, so a client behind a balancer
 * reconnects to a replica that is not stopping, and no request is cut off when connections close.
 *
 * <ul>
 *   <li>HTTP/1.1: every response from now on carries {@code Connection: close} and the connection
 *       closes after it; an idle keep-alive connection is closed when the listeners close ({@link
 *       #closeIdle}), not at once, since a client may be sending on it at that moment and the
 *       balancer may not have dropped this replica yet.
 *   <li>HTTP/2: a GOAWAY (NO_ERROR, the last stream the client opened): the streams open finish,
 *       the client opens new ones on another connection, and the connection closes once it has no
 *       stream. A connection that opens while draining gets its GOAWAY after its first stream.
 * </ul>
 */
public final class Drain {
  private volatile boolean active;

  /** Whether the gateway is draining. */
  public boolean active() {
    return active;
  }

  /** Starts draining: the connections open now are asked to go away (any thread). */
  public void start(Iterable<Channel> connections) {
    active = true;
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> drain(ch, false));
    }
  }

  /** The listeners are closed: idle HTTP/1.1 connections close now (any thread). */
  public void closeIdle(Iterable<Channel> connections) {
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> drain(ch, true));
    }
  }

  private static void drain(Channel ch, boolean closeIdle) {
    if (!ch.isActive()) {
      return;
    }
    H2Drain h2 = ch.pipeline().get(H2Drain.class);
    if (h2 != null) {
      h2.goAway();
      return;
    }
    FrontendHandler h1 = ch.pipeline().get(FrontendHandler.class);
    if (h1 != null && closeIdle) {
      h1.closeIfIdle();
    } else if (h1 == null && closeIdle && ch.pipeline().get(Http2FrameCodec.class) == null) {
      ch.close(); // neither protocol yet (a TLS handshake, an unfinished preface): nothing to lose
    }
  }
}
