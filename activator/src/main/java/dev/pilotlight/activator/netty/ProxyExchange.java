package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.ProxyError;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.activator.throttle.Slot;
import dev.pilotlight.activator.throttle.Waiter;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * One request's way through the gateway, on its client connection's event loop, as a walk through
 * {@link ExchangePhase}s: take a slot or wait for one (held: the body stays unread in the client's
 * socket), have a channel to the instance ({@link UpstreamConnector}), send the head and stream the
 * body (the next chunk read when the previous was written), stream the response back (the instance
 * read only while the client keeps up), and answer every failure before the response began with
 * exactly one status; after it began, a failure closes the client connection, as the response
 * cannot be completed.
 *
 * <p>The parts: the {@link ExchangeWire} speaks the request's path (pass-through bytes or codec
 * objects), {@link ExchangeDeadlines} holds the revision's timeouts, {@link ExchangeRetry} decides
 * whether a lost connection is retried, {@link ExchangeMeter} counts, {@link TunnelSwitch} handles
 * an upgrade. What is left here is the order of things.
 */
final class ProxyExchange implements Waiter, ExchangeWire.Sink, UpstreamConnector.Opened {
  private final GatewayContext gw;
  private final ChannelHandlerContext ctx;
  private final FrontendHandler frontend;
  private final RevisionKey revision;
  private final RevisionThrottler throttler;
  private final RequestFacts facts;
  private final ExchangeMeter meter;
  private ExchangeWire wire;
  private ExchangeDeadlines deadlines;
  private ExchangePhase phase = ExchangePhase.ACQUIRING;
  private Slot slot;
  private Channel upstream;
  private int attempts;
  private boolean reusedConnection;
  private boolean staleRetried;
  private boolean requestRead;
  private long bodyBytesSent;
  private Object pendingContent; // read while a retry was connecting: at most one
  private boolean pendingLast;
  private boolean upstreamKeepAlive;
  private boolean clientUnflushed;
  private TunnelSwitch tunnel;

  /** Takes {@code wire} (the request) over. */
  ProxyExchange(
      GatewayContext gw,
      ChannelHandlerContext ctx,
      ExchangeWire wire,
      RevisionKey revision,
      RevisionThrottler throttler,
      FrontendHandler frontend) {
    this.gw = gw;
    this.ctx = ctx;
    this.wire = wire;
    this.facts = wire.facts();
    this.revision = revision;
    this.throttler = throttler;
    this.frontend = frontend;
    this.requestRead = facts.passThrough() && facts.bodyless(); // no body part follows
    this.meter =
        new ExchangeMeter(
            gw.ticker(), gw.stats().of(revision), gw.metrics(), gw.metrics().revision(revision));
  }

  void start() {
    deadlines =
        new ExchangeDeadlines(ctx.executor(), gw.ticker(), throttler.timeouts(), this::expired);
    deadlines.start();
    acquire();
  }

  private void moveTo(ExchangePhase next) {
    if (!phase.canMoveTo(next)) {
      throw new IllegalStateException("exchange phase " + phase + " -> " + next);
    }
    phase = next;
  }

  private void acquire() {
    RevisionThrottler.Acquire a = throttler.acquire(this);
    if (a instanceof RevisionThrottler.Granted g) {
      proceed(g.slot());
    } else if (a instanceof RevisionThrottler.Queued) {
      moveTo(ExchangePhase.HELD);
      wire.held();
      meter.held();
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
    if (phase == ExchangePhase.DONE) {
      throttler.release(s);
      return;
    }
    meter.granted();
    proceed(s);
  }

  private void proceed(Slot s) {
    moveTo(ExchangePhase.CONNECTING);
    slot = s;
    meter.instance(s.endpoint().instanceClass());
    attempts++;
    wire = wire.toward(s.endpoint().protocol());
    frontend.connector().open(s.endpoint(), wire.passThrough(), ctx.channel().eventLoop(), this);
  }

  @Override
  public void connected(Channel ch, boolean reused) {
    if (phase == ExchangePhase.DONE) {
      ch.close();
      return;
    }
    moveTo(ExchangePhase.SENDING);
    upstream = ch;
    reusedConnection = reused;
    BackendHandler.of(ch).bind(this);
    deadlines.connected();
    // a failed write fires exceptionCaught, which closes the connection: onUpstreamClosed
    wire.writeHead(ch);
    if (pendingContent != null) {
      Object c = pendingContent;
      pendingContent = null;
      onRequestContent(c, pendingLast);
    } else if (requestRead) {
      wire.endRequest(ch); // no body, or a retry of one read to its end
      deadlines.requestSent();
    } else {
      if (!facts.bodyless()) {
        ch.flush();
        if (facts.expectsContinue()) {
          GatewayInitializer.ensureResponseEncoder(ctx.pipeline());
          ctx.writeAndFlush(
              new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
      }
      frontend.readMore();
    }
  }

  @Override
  public void failed(boolean overloaded) {
    if (overloaded) {
      fail(ProxyError.QUEUE_FULL);
    } else {
      connectFailed();
    }
  }

  /** A part of the request body ({@code last} ends it), read from the client on our request. */
  void onRequestContent(Object content, boolean last) {
    if (last) {
      requestRead = true;
    }
    Channel ch = upstream;
    if (phase == ExchangePhase.DONE || phase == ExchangePhase.TUNNEL) {
      ReferenceCountUtil.release(content);
      return;
    }
    if (ch == null) {
      pendingContent = content; // a retry is connecting; one read is outstanding at most
      pendingLast = last;
      return;
    }
    deadlines.touch();
    bodyBytesSent += ((ByteBufHolder) content).content().readableBytes();
    ch.writeAndFlush(wire.requestPart(content))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    f.channel().close();
                  } else if (!last && phase != ExchangePhase.DONE && upstream == ch) {
                    deadlines.touch();
                    frontend.readMore();
                  }
                });
    if (last) {
      deadlines.requestSent();
    }
  }

  /**
   * The client's body cannot be read to its end: malformed ({@link ProxyError#MALFORMED_BODY}) or
   * stalled past the body timeout ({@link ProxyError#REQUEST_TIMEOUT}). The instance may have part
   * of it, so its connection goes; the client gets {@code error}'s status if no response has begun,
   * else the response breaks off.
   */
  void requestBodyFailed(ProxyError error) {
    if (phase == ExchangePhase.DONE) {
      return;
    }
    requestRead = false;
    if (phase.responseBegun()) {
      abort();
    } else {
      fail(error);
    }
  }

  /** A message from the instance, for the wire to read. */
  void onUpstreamMessage(Channel ch, Object msg) {
    if (phase == ExchangePhase.DONE || ch != upstream) {
      ReferenceCountUtil.release(msg);
      ch.close();
      return;
    }
    deadlines.touch();
    wire.onResponse(ch, msg, this);
  }

  // --- ExchangeWire.Sink: the response ---

  @Override
  public ChannelHandlerContext client() {
    return ctx;
  }

  @Override
  public RevisionKey revision() {
    return revision;
  }

  @Override
  public Endpoint endpoint() {
    return slot.endpoint();
  }

  @Override
  public long heldNanos() {
    return meter.heldNanos();
  }

  @Override
  public void responseStarted(int status, boolean upstreamKeepAlive) {
    moveTo(ExchangePhase.RESPONDING);
    deadlines.responseStarted();
    this.upstreamKeepAlive = upstreamKeepAlive;
    meter.status(status);
    clientUnflushed = true;
  }

  @Override
  public void clientWrite(Object msg) {
    ctx.write(msg).addListener(abortOnFailure);
    clientUnflushed = true;
  }

  @Override
  public void responsePart(Channel ch, Object content, boolean last) {
    if (!last) {
      clientWrite(content);
      if (!ctx.channel().isWritable()) {
        ch.config().setAutoRead(false); // resumes in onClientWritable
      }
      return;
    }
    // the instance has answered in full: its slot and connection are free
    upstream = null;
    frontend
        .connector()
        .release(endpoint(), ch, wire.passThrough(), upstreamKeepAlive && requestRead);
    releaseSlot();
    finish();
    gw.metrics().proxied();
    boolean closeAfter = wire.closesClient();
    clientUnflushed = false;
    ctx.writeAndFlush(content)
        .addListener(
            (ChannelFutureListener)
                f -> frontend.exchangeDone(requestRead, closeAfter || !f.isSuccess()));
  }

  @Override
  public void upgraded(Channel ch, HttpResponse head) {
    moveTo(ExchangePhase.TUNNEL);
    deadlines.cancelAll();
    Headers.downstreamResponse(head, revision, endpoint(), heldNanos(), false);
    meter.status(101);
    gw.metrics().proxied();
    tunnel = new TunnelSwitch();
    tunnel.open(
        ctx,
        ch,
        head,
        gw.metrics(),
        this::tunnelClosed,
        this::abort,
        () -> phase == ExchangePhase.DONE);
  }

  @Override
  public void tunnelBytes(ByteBuf bytes) {
    tunnel.bytes(bytes);
  }

  private void tunnelClosed() {
    if (phase != ExchangePhase.DONE) {
      upstream = null;
      releaseSlot();
      finish();
    }
  }

  /** End of a read batch from the instance: send what was written to the client. */
  void flushClient() {
    ByteBuf head = wire.takeClientHead();
    if (head != null) {
      clientWrite(head);
    }
    if (clientUnflushed) {
      clientUnflushed = false;
      ctx.flush();
    }
  }

  void onClientWritable() {
    Channel ch = upstream;
    if (ch != null && phase != ExchangePhase.TUNNEL) {
      ch.config().setAutoRead(true);
    }
  }

  private final ChannelFutureListener abortOnFailure =
      f -> {
        if (!f.isSuccess()) {
          abort();
        }
      };

  // --- failures and timeouts ---

  private void connectFailed() {
    if (phase == ExchangePhase.DONE) {
      return;
    }
    if (slot != null) {
      throttler.connectFailed(slot);
    }
    releaseSlot();
    if (ExchangeRetry.afterConnectFailure(attempts) == ExchangeRetry.Decision.GIVE_UP) {
      fail(ProxyError.UPSTREAM_CONNECT);
      return;
    }
    moveTo(ExchangePhase.BACKOFF);
    ctx.executor()
        .schedule(
            () -> {
              if (phase == ExchangePhase.BACKOFF) {
                moveTo(ExchangePhase.ACQUIRING);
                acquire();
              }
            },
            ExchangeRetry.backoff(attempts).toNanos(),
            TimeUnit.NANOSECONDS);
  }

  void onUpstreamClosed(Channel ch) {
    if (phase == ExchangePhase.DONE || phase == ExchangePhase.TUNNEL || ch != upstream) {
      return;
    }
    upstream = null;
    if (phase == ExchangePhase.RESPONDING) {
      abort();
      return;
    }
    switch (ExchangeRetry.afterLoss(
        attempts, reusedConnection, staleRetried, facts.idempotent(), bodyBytesSent)) {
      case SAME_INSTANCE_NEW_CONNECTION -> {
        // a kept-alive connection the instance had closed: it never processed this request
        staleRetried = true;
        moveTo(ExchangePhase.CONNECTING);
        frontend
            .connector()
            .openFresh(endpoint(), wire.passThrough(), ctx.channel().eventLoop(), this);
      }
      case ANOTHER_SLOT -> connectFailed(); // reset at once by a new instance: another slot
      case GIVE_UP -> fail(ProxyError.UPSTREAM_RESET);
    }
  }

  private void expired(ExchangeDeadlines.Expired which) {
    switch (phase) {
      case DONE, TUNNEL -> {}
      case ACQUIRING, HELD -> // (held again after a retry, for the other two) a grant on its
          // way finds the exchange done and gives its slot back
          fail(
              which == ExchangeDeadlines.Expired.TOTAL
                  ? ProxyError.HOLD_TIMEOUT
                  : ProxyError.UPSTREAM_TIMEOUT);
      case RESPONDING -> {
        if (which != ExchangeDeadlines.Expired.RESPONSE_START) {
          abort();
        }
      }
      default -> fail(ProxyError.UPSTREAM_TIMEOUT);
    }
  }

  /** The client went away: give back what we hold. */
  void clientClosed() {
    if (phase == ExchangePhase.DONE) {
      return;
    }
    throttler.cancel(this);
    closeUpstream();
    releaseSlot();
    finish();
  }

  /** Fails before any response byte: one status to the client. */
  private void fail(ProxyError error) {
    if (phase == ExchangePhase.DONE) {
      return;
    }
    throttler.cancel(this);
    closeUpstream();
    releaseSlot();
    meter.status(error.status().code());
    finish();
    frontend.exchangeFailed(
        facts.http10(), facts.passThrough() && facts.head(), error, requestRead);
  }

  /** Fails after the response began: the client connection is closed mid-response. */
  private void abort() {
    if (phase == ExchangePhase.DONE) {
      return;
    }
    gw.metrics().aborted();
    closeUpstream();
    releaseSlot();
    finish();
    ctx.close();
  }

  private void closeUpstream() {
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
  }

  private void finish() {
    moveTo(ExchangePhase.DONE);
    if (pendingContent != null) {
      ReferenceCountUtil.release(pendingContent);
      pendingContent = null;
    }
    wire.release();
    if (tunnel != null) {
      tunnel.release();
    }
    deadlines.cancelAll();
    meter.finished();
  }

  private void releaseSlot() {
    if (slot != null) {
      throttler.release(slot);
      slot = null;
    }
  }
}
