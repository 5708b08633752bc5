package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.ProxyError;
import dev.pilotlight.activator.stats.ConcurrencyAccumulator;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.activator.throttle.Slot;
import dev.pilotlight.activator.throttle.Waiter;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request's way through the gateway, on its client connection's event loop: take a slot or wait
 * for one (held), send to the instance over a pooled connection, relay the response, and answer
 * every failure with exactly one status. Connection failures before the request was sent are
 * retried on another slot (at most {@value #MAX_ATTEMPTS} attempts); nothing is retried once the
 * instance may have seen the request, except an idempotent request on a reused keep-alive
 * connection that closed before any response.
 */
final class ProxyExchange implements Waiter {
  static final int MAX_ATTEMPTS = 3;
  private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  private final GatewayContext gw;
  private final ChannelHandlerContext ctx;
  private final FullHttpRequest request;
  private final RevisionKey revision;
  private final RevisionThrottler throttler;
  private final ConcurrencyAccumulator concurrency;
  private final FrontendHandler frontend;
  private final long startNanos;
  private long heldSinceNanos = -1;
  private long heldNanos;
  private ScheduledFuture<?> deadline;
  private Slot slot;
  private Channel upstream;
  private boolean reusedConnection;
  private int attempts;
  private boolean staleRetried;
  private boolean done;

  ProxyExchange(
      GatewayContext gw,
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      RevisionKey revision,
      FrontendHandler frontend) {
    this.gw = gw;
    this.ctx = ctx;
    this.request = request;
    this.revision = revision;
    this.throttler = gw.throttlers().apply(revision);
    this.concurrency = gw.stats().of(revision);
    this.frontend = frontend;
    this.startNanos = gw.ticker().nanoTime();
    concurrency.arrived(startNanos);
  }

  void start() {
    long timeoutNanos = throttler.timeout().toNanos();
    deadline = ctx.executor().schedule(this::deadlinePassed, timeoutNanos, TimeUnit.NANOSECONDS);
    acquire();
  }

  private void acquire() {
    RevisionThrottler.Acquire a = throttler.acquire(this);
    if (a instanceof RevisionThrottler.Granted g) {
      proceed(g.slot());
    } else if (a instanceof RevisionThrottler.Queued) {
      if (heldSinceNanos < 0) {
        heldSinceNanos = gw.ticker().nanoTime();
        gw.metrics().held();
      }
      gw.statSink().poke(revision);
    } else if (a instanceof RevisionThrottler.Rejected r) {
      fail(r.removed() ? ProxyError.REVISION_REMOVED : ProxyError.QUEUE_FULL);
    }
  }

  // Waiter: called under the throttler's lock from any thread; hop to our event loop.
  @Override
  public void granted(Slot s) {
    ctx.executor().execute(() -> onGranted(s));
  }

  @Override
  public void revoked() {
    ctx.executor().execute(() -> fail(ProxyError.REVISION_REMOVED));
  }

  private void onGranted(Slot s) {
    if (done) {
      throttler.release(s);
      return;
    }
    if (heldSinceNanos >= 0) {
      heldNanos += gw.ticker().nanoTime() - heldSinceNanos;
      heldSinceNanos = -1;
    }
    proceed(s);
  }

  private void proceed(Slot s) {
    slot = s;
    attempts++;
    Endpoint e = s.endpoint();
    Channel pooled = gw.pool().poll(e);
    if (pooled != null) {
      send(pooled, true);
      return;
    }
    connect(e);
  }

  private void connect(Endpoint e) {
    new Bootstrap()
        .group(ctx.channel().eventLoop())
        .channel(gw.clientChannelType())
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) gw.config().upstreamConnectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(HandlerNames.UPSTREAM_CODEC, new HttpClientCodec())
                    .addLast(
                        HandlerNames.UPSTREAM_AGGREGATOR,
                        new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                    .addLast(HandlerNames.BACKEND, new BackendHandler());
              }
            })
        .connect(e.host(), e.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    if (done) {
                      f.channel().close();
                    } else {
                      send(f.channel(), false);
                    }
                  } else {
                    connectFailed();
                  }
                });
  }

  private void send(Channel ch, boolean reused) {
    upstream = ch;
    reusedConnection = reused;
    ch.pipeline().get(BackendHandler.class).bind(this);
    FullHttpRequest out = Headers.upstreamRequest(request, ctx.channel(), slot.endpoint());
    ch.writeAndFlush(out)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess() && !done && upstream == f.channel()) {
                    // not written: the instance never saw it, safe to try again
                    f.channel().close();
                  }
                });
  }

  private void connectFailed() {
    if (done) {
      return;
    }
    releaseSlot();
    if (attempts >= MAX_ATTEMPTS) {
      fail(ProxyError.UPSTREAM_CONNECT);
      return;
    }
    long backoffMillis = 10L * attempts;
    ctx.executor().schedule(this::acquire, backoffMillis, TimeUnit.MILLISECONDS);
  }

  void onResponse(Channel ch, FullHttpResponse response) {
    if (done || ch != upstream) {
      response.release();
      ch.close();
      return;
    }
    boolean upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    upstream = null;
    Endpoint endpoint = slot.endpoint();
    releaseSlot();
    if (upstreamKeepAlive) {
      gw.pool().offer(endpoint, ch);
    } else {
      ch.close();
    }
    finish();
    gw.metrics().proxied();
    Headers.downstreamResponse(response, revision, endpoint, heldNanos);
    frontend.respond(ctx, request, response);
  }

  void onUpstreamClosed(Channel ch) {
    if (done || ch != upstream) {
      return;
    }
    upstream = null;
    if (reusedConnection && !staleRetried && idempotent()) {
      // a kept-alive connection the instance had closed: it never processed this request
      staleRetried = true;
      connect(slot.endpoint());
      return;
    }
    if (!reusedConnection && attempts < MAX_ATTEMPTS && idempotent()) {
      connectFailed();
      return;
    }
    fail(ProxyError.UPSTREAM_RESET);
  }

  void onUpstreamTooLarge() {
    if (!done) {
      upstream = null;
      fail(ProxyError.UPSTREAM_TOO_LARGE);
    }
  }

  private void deadlinePassed() {
    if (done) {
      return;
    }
    if (slot == null && throttler.cancel(this)) {
      fail(ProxyError.HOLD_TIMEOUT);
    } else if (slot != null) {
      fail(ProxyError.UPSTREAM_TIMEOUT);
    }
  }

  /** The client went away: give back what we hold. */
  void clientClosed() {
    if (done) {
      return;
    }
    throttler.cancel(this);
    done = true;
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
    releaseSlot();
    finish();
    request.release();
  }

  private void fail(ProxyError error) {
    if (done) {
      return;
    }
    throttler.cancel(this);
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
    releaseSlot();
    finish();
    frontend.fail(ctx, request, error);
  }

  private void finish() {
    done = true;
    if (deadline != null) {
      deadline.cancel(false);
    }
    concurrency.finished(gw.ticker().nanoTime());
  }

  private void releaseSlot() {
    if (slot != null) {
      throttler.release(slot);
      slot = null;
    }
  }

  private boolean idempotent() {
    String m = request.method().name().toUpperCase(Locale.ROOT);
    return request.method().equals(HttpMethod.GET)
        || m.equals("HEAD")
        || m.equals("OPTIONS")
        || m.equals("PUT")
        || m.equals("DELETE")
        || m.equals("TRACE");
  }
}
