package dev.pilotlight.activator.upstream;

import dev.pilotlight.api.spi.Endpoint;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive connections to instances, one pool per event loop (so no locks: a client
 * connection only ever borrows upstream connections of its own loop). Bounded per instance. A
 * connection is {@linkplain #track tracked} once, when it is made, so that when the instance closes
 * it while idle it leaves the pool by itself; the most recently used connection is lent first.
 * Connections come in two kinds that are never lent for each other: those with the HTTP codec and
 * those of the pass-through path ({@code raw}), each pooled apart.
 */
public final class UpstreamPool {
  private final int maxIdlePerEndpoint;
  private final FastThreadLocal<Map<Endpoint, ArrayDeque<Channel>>> idle = perLoop();
  private final FastThreadLocal<Map<Endpoint, ArrayDeque<Channel>>> idleRaw = perLoop();

  private static FastThreadLocal<Map<Endpoint, ArrayDeque<Channel>>> perLoop() {
    return new FastThreadLocal<>() {
      @Override
      protected Map<Endpoint, ArrayDeque<Channel>> initialValue() {
        return new HashMap<>();
      }
    };
  }

  private FastThreadLocal<Map<Endpoint, ArrayDeque<Channel>>> kind(boolean raw) {
    return raw ? idleRaw : idle;
  }

  public UpstreamPool(int maxIdlePerEndpoint) {
    this.maxIdlePerEndpoint = maxIdlePerEndpoint;
  }

  /** An idle connection to {@code endpoint} on the calling event loop, or null. */
  public Channel poll(Endpoint endpoint) {
    return poll(endpoint, false);
  }

  /**
   * An idle connection of the given kind to {@code endpoint} on the calling event loop, or null.
   */
  public Channel poll(Endpoint endpoint, boolean raw) {
    ArrayDeque<Channel> q = kind(raw).get().get(endpoint);
    if (q == null) {
      return null;
    }
    Channel ch;
    while ((ch = q.pollLast()) != null) {
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  /** Returns a connection after a complete exchange; closes it when the pool is full. */
  public void offer(Endpoint endpoint, Channel ch) {
    offer(endpoint, ch, false);
  }

  /** Returns a connection of the given kind after a complete exchange. */
  public void offer(Endpoint endpoint, Channel ch, boolean raw) {
    if (!ch.isActive()) {
      return;
    }
    ArrayDeque<Channel> q = kind(raw).get().computeIfAbsent(endpoint, k -> new ArrayDeque<>());
    if (q.size() >= maxIdlePerEndpoint) {
      ch.close();
      return;
    }
    q.addLast(ch);
  }

  /**
   * Called once for a new connection to {@code endpoint}, on its event loop: when it closes, it
   * leaves the pool (a no-op unless it was idle there).
   */
  public void track(Endpoint endpoint, Channel ch) {
    track(endpoint, ch, false);
  }

  /** {@link #track} for a connection of the given kind. */
  public void track(Endpoint endpoint, Channel ch, boolean raw) {
    FastThreadLocal<Map<Endpoint, ArrayDeque<Channel>>> pool = kind(raw);
    ch.closeFuture()
        .addListener(
            f -> {
              ArrayDeque<Channel> q = pool.get().get(endpoint);
              if (q != null) {
                q.remove(ch);
              }
            });
  }

  /** Idle connections to {@code endpoint} on the calling event loop, both kinds. */
  public int idle(Endpoint endpoint) {
    ArrayDeque<Channel> q = idle.get().get(endpoint);
    ArrayDeque<Channel> r = idleRaw.get().get(endpoint);
    return (q == null ? 0 : q.size()) + (r == null ? 0 : r.size());
  }
}
