package dev.pilotlight.activator.upstream;

import dev.pilotlight.api.spi.Endpoint;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive connections to instances, one pool per event loop (so no locks: a client
 * connection only ever borrows upstream connections of its own loop). Bounded per instance; a
 * connection closed by the instance while idle leaves the pool by itself.
 */
public final class UpstreamPool {
  private final int maxIdlePerEndpoint;
  private final FastThreadLocal<Map<String, ArrayDeque<Channel>>> idle =
      new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  public UpstreamPool(int maxIdlePerEndpoint) {
    this.maxIdlePerEndpoint = maxIdlePerEndpoint;
  }

  /** An idle connection to {@code endpoint} on the calling event loop, or null. */
  public Channel poll(Endpoint endpoint) {
    ArrayDeque<Channel> q = idle.get().get(key(endpoint));
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
    if (!ch.isActive()) {
      return;
    }
    ArrayDeque<Channel> q = idle.get().computeIfAbsent(key(endpoint), k -> new ArrayDeque<>());
    if (q.size() >= maxIdlePerEndpoint) {
      ch.close();
      return;
    }
    q.addLast(ch);
    ch.closeFuture().addListener(f -> q.remove(ch));
  }

  private static String key(Endpoint e) {
    return e.id() + "@" + e.host() + ":" + e.port();
  }
}
