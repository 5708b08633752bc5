package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.activator.ProxyError;
import dev.pilotlight.activator.http1.BodyPart;
import dev.pilotlight.activator.http1.RequestHead;
import dev.pilotlight.activator.http1.ResponseHead;
import dev.pilotlight.activator.stats.ConcurrencyAccumulator;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.activator.throttle.Slot;
import dev.pilotlight.activator.throttle.Timeouts;
import dev.pilotlight.activator.throttle.Waiter;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request's way through the gateway, on its client connection's event loop: take a slot or wait
 * for one (held: the body stays unread in the client's socket), send the head to the instance over
 * a pooled connection, stream the body (next chunk read when the previous was written), stream the
 * response back (the instance is read only while the client keeps up), and answer every failure
 * before the response began with exactly one status; after it began, a failure closes the client
 * connection, as the response cannot be completed.
 *
 * <p>Retries: a connection that cannot be made goes to another slot (at most {@value
 * ExchangeRetry#MAX_ATTEMPTS} attempts, short backoff); a reused keep-alive connection found closed
 * before any response byte is retried once on a new connection when the method is idempotent and no
 * body byte was sent. Nothing else is retried. Timeouts: the revision's total deadline (the wait
 * included), the response-start deadline from the request sent, and the idle limit between bytes;
 * an upgraded connection (101) becomes a tunnel that no response timeout cuts.
 */
final class ProxyExchange implements Waiter {
  private final GatewayContext gw;
  private final ChannelHandlerContext ctx;
  private final HttpRequest request; // the codec path's head, or null
  private RequestHead rawHead; // the pass-through path's head, or null
  private final boolean rawWire; // the client's side is the pass-through path
  private boolean rawUpstream; // and so is the instance's (an HTTP/1.1 one)
  private ByteBuf rawUpstreamHead;
  private RawToObjects toObjects; // a pass-through request to an h2c instance
  private ClientResponseBytes clientBytes; // the pass-through path's response for the client
  private final boolean idempotent;
  private final String path;
  private final String host;
  private final RevisionKey revision;
  private final RevisionThrottler throttler;
  private final ConcurrencyAccumulator concurrency;
  private final GatewayMetrics.Revision metrics;
  private final FrontendHandler frontend;
  private final boolean expectsContinue;
  private final boolean bodyless;
  private final String upgrade;
  private final boolean clientKeepAlive;
  private final boolean http10;
  private final boolean headRequest;
  private HttpRequest upstreamHead;
  private final long startNanos;
  private Timeouts timeouts;
  private long heldSinceNanos = -1;
  private long heldNanos;
  private boolean held;
  private int status; // sent to the client, for metrics
  private InstanceClass instanceClass; // of the last instance tried, for metrics
  private ScheduledFuture<?> deadline;
  private ScheduledFuture<?> responseStartTimer;
  private ScheduledFuture<?> idleTimer;
  private long lastActivityNanos;
  private Slot slot;
  private Channel upstream;
  private boolean reusedConnection;
  private int attempts;
  private boolean staleRetried;
  private boolean requestRead;
  private long bodyBytesSent;
  private boolean informational;
  private boolean responseStarted;
  private boolean upstreamKeepAlive;
  private boolean closeClientAfter;
  private boolean tunnel;
  private List<ByteBuf> earlyTunnelBytes;
  private Object pendingContent; // HttpContent or BodyPart
  private boolean clientUnflushed;
  private boolean done;

  ProxyExchange(
      GatewayContext gw,
      ChannelHandlerContext ctx,
      HttpRequest request,
      String path,
      String host,
      RevisionKey revision,
      RevisionThrottler throttler,
      FrontendHandler frontend) {
    this.gw = gw;
    this.ctx = ctx;
    this.request = request;
    this.rawWire = false;
    this.path = path;
    this.host = host;
    this.revision = revision;
    this.throttler = throttler;
    this.concurrency = gw.stats().of(revision);
    this.frontend = frontend;
    // what the client's headers say, taken before they are rewritten for the instance
    this.expectsContinue = HttpUtil.is100ContinueExpected(request);
    this.bodyless =
        !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
    this.upgrade = Headers.upgrade(request);
    this.clientKeepAlive = HttpUtil.isKeepAlive(request);
    this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    this.headRequest = request.method().equals(HttpMethod.HEAD);
    this.idempotent = idempotent(request.method());
    this.startNanos = gw.ticker().nanoTime();
    concurrency.arrived(startNanos);
    this.metrics = gw.metrics().revision(revision);
    metrics.started();
  }

  /** A request on the pass-through path (HTTP/1.1, origin form, no upgrade); takes the head. */
  ProxyExchange(
      GatewayContext gw,
      ChannelHandlerContext ctx,
      RequestHead head,
      RevisionKey revision,
      RevisionThrottler throttler,
      FrontendHandler frontend) {
    this.gw = gw;
    this.ctx = ctx;
    this.request = null;
    this.rawHead = head;
    this.rawWire = true;
    this.path = null;
    this.host = head.host();
    this.revision = revision;
    this.throttler = throttler;
    this.concurrency = gw.stats().of(revision);
    this.frontend = frontend;
    this.expectsContinue = head.expectContinue();
    this.bodyless = head.bodyless();
    this.upgrade = null;
    this.clientKeepAlive = head.keepAlive();
    this.http10 = false;
    this.headRequest = head.isHead();
    this.idempotent = head.idempotent();
    this.requestRead = head.bodyless(); // no body part follows such a head
    this.startNanos = gw.ticker().nanoTime();
    concurrency.arrived(startNanos);
    this.metrics = gw.metrics().revision(revision);
    metrics.started();
  }

  void start() {
    timeouts = throttler.timeouts();
    deadline = schedule(this::deadlinePassed, timeouts.total());
    acquire();
  }

  private void acquire() {
    RevisionThrottler.Acquire a = throttler.acquire(this);
    if (a instanceof RevisionThrottler.Granted g) {
      proceed(g.slot());
    } else if (a instanceof RevisionThrottler.Queued) {
      if (heldSinceNanos < 0 && rawHead != null) {
        rawHead.compact(); // let go of the buffer it was read into while it waits
      }
      if (heldSinceNanos < 0) {
        heldSinceNanos = gw.ticker().nanoTime();
        held = true;
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
    instanceClass = s.endpoint().instanceClass();
    attempts++;
    Endpoint e = s.endpoint();
    rawUpstream = rawWire && e.protocol() != Protocol.H2C;
    if (e.protocol() == Protocol.H2C) {
      openStream(e);
      return;
    }
    Channel pooled = gw.pool().poll(e, rawUpstream);
    if (pooled != null) {
      send(pooled, true);
      return;
    }
    connect(e);
  }

  /**
   * An h2c instance: the exchange's upstream channel is a new HTTP/2 stream on a shared connection
   * ({@link H2Upstream}), driven like an HTTP/1.1 connection and closed at the end instead of
   * pooled.
   */
  private void openStream(Endpoint e) {
    gw.h2()
        .open(
            gw,
            e,
            ctx.channel().eventLoop(),
            (stream, outcome) -> {
              if (stream == null) {
                if (outcome == H2Upstream.Outcome.OVERLOADED) {
                  fail(ProxyError.QUEUE_FULL);
                } else {
                  connectFailed();
                }
              } else if (done) {
                stream.close();
              } else {
                send(stream, outcome == H2Upstream.Outcome.REUSED_CONNECTION);
              }
            });
  }

  private void connect(Endpoint e) {
    boolean raw = rawUpstream;
    gw.upstreamBootstrap(ctx.channel().eventLoop())
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(
                        HandlerNames.UPSTREAM_CODEC,
                        raw
                            ? new Http1ResponseDecoder(gw.config().maxHeaderBytes())
                            : new HttpClientCodec(4096, gw.config().maxHeaderBytes(), 8192))
                    .addLast(HandlerNames.BACKEND, new BackendHandler(gw.metrics()));
              }
            })
        .connect(e.host(), e.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    gw.pool().track(e, f.channel(), raw);
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
    BackendHandler.of(ch).bind(this);
    touch();
    armIdle();
    // a failed write fires exceptionCaught, which closes the connection: onUpstreamClosed
    if (rawUpstream) {
      if (rawUpstreamHead == null) {
        rawUpstreamHead =
            RawHeads.upstreamRequest(
                rawHead, frontend.clientAddress(), frontend.forwardingCache(), ch.alloc());
      }
      ((Http1ResponseDecoder) ch.pipeline().first()).expect(headRequest);
      ch.write(rawUpstreamHead.retainedDuplicate(), ch.voidPromise());
    } else {
      if (upstreamHead == null) {
        upstreamHead =
            request != null
                ? Headers.upstreamRequest(request, path, frontend.clientAddress(), host, upgrade)
                : Headers.upstreamRequest(
                    RawToObjects.request(rawHead),
                    rawHead.target(),
                    frontend.clientAddress(),
                    host,
                    null);
      }
      ch.write(upstreamHead, ch.voidPromise());
    }
    if (pendingContent != null) {
      // read while the previous connection failed: it goes on this one
      Object c = pendingContent;
      pendingContent = null;
      onRequestContent(c);
      return;
    }
    if (requestRead) {
      // a request without a body: on the pass-through path, or a retry of one read to its end
      if (rawUpstream) {
        ch.flush();
      } else {
        ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise());
      }
      requestSent();
      return;
    }
    if (!bodyless) {
      ch.flush();
      if (expectsContinue) {
        GatewayInitializer.ensureResponseEncoder(ctx.pipeline());
        ctx.writeAndFlush(
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
    }
    frontend.readMore();
  }

  /**
   * A part of the request body, read from the client on our request: an {@link HttpContent}, or a
   * {@link BodyPart} on the pass-through path.
   */
  void onRequestContent(Object content) {
    BodyPart part = content instanceof BodyPart p ? p : null;
    boolean last = part != null ? part.last() : content instanceof LastHttpContent;
    if (last) {
      requestRead = true;
    }
    Channel ch = upstream;
    if (done || tunnel) {
      ReferenceCountUtil.release(content);
      return;
    }
    if (ch == null) {
      pendingContent = content; // a retry is connecting; one read is outstanding at most
      return;
    }
    touch();
    Object out = content;
    if (part != null) {
      bodyBytesSent += part.content().readableBytes();
      if (rawUpstream) {
        out = part.content(); // the bytes as they came, framing included
      } else {
        if (toObjects == null) {
          toObjects = new RawToObjects(rawHead);
        }
        out = toObjects.content(part);
      }
    } else {
      bodyBytesSent += ((HttpContent) content).content().readableBytes();
    }
    ch.writeAndFlush(out)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    f.channel().close();
                  } else if (!last && !done && upstream == ch) {
                    touch();
                    frontend.readMore();
                  }
                });
    if (last) {
      requestSent();
    }
  }

  /**
   * The client's body cannot be read to its end: it turned out malformed ({@link
   * FrontendHandler#bodyMalformed}, {@link ProxyError#MALFORMED_BODY}) or stalled past the body
   * timeout ({@link ProxyError#REQUEST_TIMEOUT}). The instance may have part of it, so its
   * connection goes; the client gets {@code error}'s status if no response has begun, else the
   * response breaks off.
   */
  void requestBodyFailed(ProxyError error) {
    if (done) {
      return;
    }
    requestRead = false;
    if (responseStarted) {
      abort();
    } else {
      fail(error);
    }
  }

  private void requestSent() {
    Duration d = timeouts.responseStart();
    if (d != null && !responseStarted) {
      responseStartTimer = schedule(this::responseStartPassed, d);
    }
  }

  /** A decoded part of the instance's response (or raw bytes after a 101). */
  void onUpstreamMessage(Channel ch, Object msg) {
    if (done || ch != upstream) {
      ReferenceCountUtil.release(msg);
      ch.close();
      return;
    }
    touch();
    if (msg instanceof ResponseHead head) {
      onRawResponseHead(ch, head);
      return;
    }
    if (msg instanceof BodyPart part) {
      onRawResponseBody(ch, part);
      return;
    }
    if (msg instanceof HttpResponse head) {
      onResponseHead(ch, head);
      if (!(msg instanceof HttpContent)) {
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      if (tunnel) {
        if (content.content().isReadable()) {
          onTunnelBytes(content.content().retain());
        }
        content.release();
        return;
      }
      onResponseContent(ch, content);
    } else if (msg instanceof ByteBuf bytes) {
      onTunnelBytes(bytes);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onResponseHead(Channel ch, HttpResponse head) {
    if (head.decoderResult().isFailure()) {
      ch.close(); // reaches onUpstreamClosed: 502 or abort
      return;
    }
    GatewayInitializer.ensureResponseEncoder(ctx.pipeline()); // an h2c instance's, to bytes
    int code = head.status().code();
    if (code == 101 && upgrade != null) {
      startTunnel(ch, head);
      return;
    }
    if (code < 200) {
      informational = true; // 1xx before the real response (we asked for no 100): drop it
      return;
    }
    cancel(responseStartTimer);
    upstreamKeepAlive = HttpUtil.isKeepAlive(head);
    Headers.downstreamResponse(head, revision, slot.endpoint(), heldNanos, headRequest);
    if (http10) {
      head.setProtocolVersion(HttpVersion.HTTP_1_0);
      if (HttpUtil.isTransferEncodingChunked(head)) {
        // HTTP/1.0 has no chunked framing: the body ends where the connection does
        head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        closeClientAfter = true;
      }
    }
    if (closeClientAfter || !clientKeepAlive) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    responseStarted = true;
    status = code;
    if (!(head instanceof HttpContent)) {
      ctx.write(head).addListener(abortOnFailure);
      clientUnflushed = true;
    } // else a whole response (HTTP/2 HEADERS ending the stream, e.g. gRPC's trailers-only):
    // written whole as its own last content, so it stays one HEADERS frame to an HTTP/2 client
  }

  /** The pass-through path: the instance's head rewritten as bytes for the client. */
  private void onRawResponseHead(Channel ch, ResponseHead head) {
    try {
      if (head.status() == 101) {
        ch.close(); // no upgrade was asked for on this path: as a broken connection
        return;
      }
      cancel(responseStartTimer);
      upstreamKeepAlive = head.keepAlive();
      responseStarted = true;
      status = head.status();
      clientBytes =
          new ClientResponseBytes(
              head, revision, slot.endpoint(), heldNanos, clientKeepAlive, ctx.alloc());
      clientUnflushed = true;
    } finally {
      head.release();
    }
  }

  private void onRawResponseBody(Channel ch, BodyPart part) {
    if (!responseStarted) {
      part.release();
      return;
    }
    onResponseBody(ch, clientBytes.body(part), part.last());
  }

  private void onResponseContent(Channel ch, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (informational || !responseStarted) {
      content.release();
      if (last) {
        informational = false;
      }
      return;
    }
    onResponseBody(ch, content, last);
  }

  /** A part of the response for the client (an object, or bytes on the pass-through path). */
  private void onResponseBody(Channel ch, Object content, boolean last) {
    if (!last) {
      ctx.write(content).addListener(abortOnFailure);
      clientUnflushed = true;
      if (!ctx.channel().isWritable()) {
        ch.config().setAutoRead(false); // resumes in onClientWritable
      }
      return;
    }
    // the instance has answered in full: its slot and connection are free
    Endpoint endpoint = slot.endpoint();
    upstream = null;
    BackendHandler.of(ch).bind(null);
    if (!ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
    if (endpoint.protocol() == Protocol.H2C) {
      ch.close(); // a stream serves one exchange; reset if our side of it is still open
    } else if (upstreamKeepAlive && requestRead && !surplusFrom(ch)) {
      gw.pool().offer(endpoint, ch, rawUpstream);
    } else {
      ch.close();
    }
    releaseSlot();
    finish();
    gw.metrics().proxied();
    boolean closeAfter = closeClientAfter;
    clientUnflushed = false;
    ctx.writeAndFlush(content)
        .addListener(
            (ChannelFutureListener)
                f -> frontend.exchangeDone(requestRead, closeAfter || !f.isSuccess()));
  }

  /**
   * Whether the instance sent bytes beyond the response it owed (pass-through connections know):
   * such a connection is closed, never pooled.
   */
  private boolean surplusFrom(Channel ch) {
    return rawUpstream && ((Http1ResponseDecoder) ch.pipeline().first()).surplus();
  }

  /** End of a read batch from the instance: send what was written to the client. */
  void flushClient() {
    ByteBuf head = clientBytes == null ? null : clientBytes.takeHead();
    if (head != null) {
      ctx.write(head).addListener(abortOnFailure);
    }
    if (clientUnflushed) {
      clientUnflushed = false;
      ctx.flush();
    }
  }

  void onClientWritable() {
    Channel ch = upstream;
    if (ch != null && !tunnel) {
      ch.config().setAutoRead(true);
    }
  }

  private final ChannelFutureListener abortOnFailure =
      f -> {
        if (!f.isSuccess()) {
          abort();
        }
      };

  // --- upgrade: the connection becomes a byte tunnel between client and instance ---

  private void startTunnel(Channel ch, HttpResponse head) {
    tunnel = true;
    cancel(deadline);
    cancel(responseStartTimer);
    cancel(idleTimer);
    earlyTunnelBytes = new ArrayList<>();
    ch.config().setAutoRead(false);
    Headers.downstreamResponse(head, revision, slot.endpoint(), heldNanos, false);
    responseStarted = true;
    status = 101;
    gw.metrics().proxied();
    ctx.writeAndFlush(head)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess() || done) {
                    abort();
                    return;
                  }
                  // bytes decoded with the 101 go first, then what the codec still holds
                  for (ByteBuf b : earlyTunnelBytes) {
                    ctx.channel().write(b);
                  }
                  earlyTunnelBytes = null;
                  ctx.channel().flush();
                  Runnable closed = this::tunnelClosed;
                  ChannelPipeline up = ch.pipeline();
                  up.replace(
                      HandlerNames.BACKEND,
                      HandlerNames.TUNNEL,
                      new TunnelHandler(
                          ctx.channel(), closed, gw.metrics(), GatewayMetrics.UPSTREAM_SIDE));
                  up.remove(HandlerNames.UPSTREAM_CODEC);
                  ChannelPipeline down = ctx.pipeline();
                  down.replace(
                      HandlerNames.FRONTEND,
                      HandlerNames.TUNNEL,
                      new TunnelHandler(ch, closed, gw.metrics(), GatewayMetrics.CLIENT_SIDE));
                  down.remove(HandlerNames.FLOW_CONTROL);
                  down.remove(HandlerNames.HTTP_CODEC);
                  // a tunnel's bytes have no request phases: no client timeout applies to them
                  if (down.get(HandlerNames.CLIENT_TIMEOUTS) != null) {
                    down.remove(HandlerNames.CLIENT_TIMEOUTS);
                  }
                });
  }

  private void onTunnelBytes(ByteBuf bytes) {
    if (earlyTunnelBytes == null) {
      bytes.release();
      return;
    }
    earlyTunnelBytes.add(bytes);
  }

  private void tunnelClosed() {
    if (!done) {
      upstream = null;
      releaseSlot();
      finish();
    }
  }

  // --- failures and timeouts ---

  private void connectFailed() {
    if (done) {
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
    ctx.executor()
        .schedule(this::acquire, ExchangeRetry.backoff(attempts).toNanos(), TimeUnit.NANOSECONDS);
  }

  void onUpstreamClosed(Channel ch) {
    if (done || ch != upstream || tunnel) {
      return;
    }
    upstream = null;
    if (responseStarted) {
      abort();
      return;
    }
    switch (ExchangeRetry.afterLoss(
        attempts, reusedConnection, staleRetried, idempotent, bodyBytesSent)) {
      case SAME_INSTANCE_NEW_CONNECTION -> {
        // a kept-alive connection the instance had closed: it never processed this request
        staleRetried = true;
        if (slot.endpoint().protocol() == Protocol.H2C) {
          openStream(slot.endpoint());
        } else {
          connect(slot.endpoint());
        }
        return;
      }
      case ANOTHER_SLOT -> {
        connectFailed(); // reset at once by a new instance: try another slot
        return;
      }
      case GIVE_UP -> {}
    }
    fail(ProxyError.UPSTREAM_RESET);
  }

  private void deadlinePassed() {
    if (done) {
      return;
    }
    if (slot == null) {
      if (throttler.cancel(this)) {
        fail(ProxyError.HOLD_TIMEOUT);
      }
    } else if (responseStarted) {
      abort();
    } else {
      fail(ProxyError.UPSTREAM_TIMEOUT);
    }
  }

  private void responseStartPassed() {
    if (!done && !responseStarted) {
      fail(ProxyError.UPSTREAM_TIMEOUT);
    }
  }

  private void touch() {
    lastActivityNanos = gw.ticker().nanoTime();
  }

  private void armIdle() {
    Duration idle = timeouts.idle();
    if (idle != null && idleTimer == null) {
      idleTimer = schedule(this::idleCheck, idle);
    }
  }

  private void idleCheck() {
    if (done || tunnel) {
      return;
    }
    long idleNanos = timeouts.idle().toNanos();
    long quiet = gw.ticker().nanoTime() - lastActivityNanos;
    if (quiet < idleNanos) {
      idleTimer = ctx.executor().schedule(this::idleCheck, idleNanos - quiet, TimeUnit.NANOSECONDS);
    } else if (responseStarted) {
      abort();
    } else {
      fail(ProxyError.UPSTREAM_TIMEOUT);
    }
  }

  /** The client went away: give back what we hold. */
  void clientClosed() {
    if (done) {
      return;
    }
    throttler.cancel(this);
    closeUpstream();
    releaseSlot();
    finish();
  }

  /** Fails before any response byte: one status to the client. */
  private void fail(ProxyError error) {
    if (done) {
      return;
    }
    throttler.cancel(this);
    closeUpstream();
    releaseSlot();
    status = error.status().code();
    finish();
    frontend.exchangeFailed(http10, rawWire && headRequest, error, requestRead);
  }

  /** Fails after the response began: the client connection is closed mid-response. */
  private void abort() {
    if (done) {
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
    done = true;
    if (pendingContent != null) {
      ReferenceCountUtil.release(pendingContent);
      pendingContent = null;
    }
    if (rawHead != null) {
      rawHead.release();
      rawHead = null;
    }
    if (rawUpstreamHead != null) {
      rawUpstreamHead.release();
      rawUpstreamHead = null;
    }
    if (earlyTunnelBytes != null) {
      earlyTunnelBytes.forEach(ByteBuf::release);
      earlyTunnelBytes = null;
    }
    if (clientBytes != null) {
      clientBytes.release(); // the response broke off before its body
    }
    cancel(deadline);
    cancel(responseStartTimer);
    cancel(idleTimer);
    long now = gw.ticker().nanoTime();
    concurrency.finished(now);
    if (heldSinceNanos >= 0) {
      heldNanos += now - heldSinceNanos; // ended while held
    }
    metrics.finished(now - startNanos, status, instanceClass, held ? heldNanos : -1);
  }

  private void releaseSlot() {
    if (slot != null) {
      throttler.release(slot);
      slot = null;
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration d) {
    return ctx.executor().schedule(task, d.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  private static boolean idempotent(HttpMethod m) {
    return m.equals(HttpMethod.GET)
        || m.equals(HttpMethod.HEAD)
        || m.equals(HttpMethod.OPTIONS)
        || m.equals(HttpMethod.PUT)
        || m.equals(HttpMethod.DELETE)
        || m.equals(HttpMethod.TRACE);
  }
}
