package dev.pilotlight.activator.netty;

import static dev.pilotlight.activator.netty.ExchangeDeadlines.Expired.RESPONSE_START;
import static dev.pilotlight.activator.netty.ExchangeDeadlines.Expired.TOTAL;
import static dev.pilotlight.activator.netty.ExchangePhase.ACQUIRING;
import static dev.pilotlight.activator.netty.ExchangePhase.BACKOFF;
import static dev.pilotlight.activator.netty.ExchangePhase.CONNECTING;
import static dev.pilotlight.activator.netty.ExchangePhase.DONE;
import static dev.pilotlight.activator.netty.ExchangePhase.HELD;
import static dev.pilotlight.activator.netty.ExchangePhase.RESPONDING;
import static dev.pilotlight.activator.netty.ExchangePhase.SENDING;
import static dev.pilotlight.activator.netty.ExchangePhase.TUNNEL;

import dev.pilotlight.activator.ProxyError;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.activator.throttle.Slot;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
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
final class ProxyExchange implements SlotWaiter.Listener, UpstreamConnector.Opened {
  private final GatewayContext gw;
  private final ChannelHandlerContext ctx;
  private final FrontendHandler frontend;
  private final RevisionKey revision;
  private final RevisionThrottler throttler;
  private final SlotWaiter slots;
  private final UpstreamConnector connector;
  private final RequestFacts facts;
  private final ExchangeMeter meter;
  private final ExchangeDeadlines deadlines;
  private final RequestForwarder request;
  private final ResponseRelay response;
  private ExchangeWire wire;
  private ExchangePhase phase = ACQUIRING;
  private Endpoint endpoint; // of the slot held, or the last one
  private Channel upstream;
  private boolean reused;
  private boolean staleRetried;
  private boolean lostFresh;

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
    this.slots = new SlotWaiter(throttler, ctx.executor(), this);
    this.frontend = frontend;
    this.connector = frontend.connector();
    this.deadlines =
        new ExchangeDeadlines(frontend.deadlineTimer(), throttler.timeouts(), this::expired);
    this.request = new RequestForwarder(ctx, frontend, facts, deadlines);
    this.meter =
        new ExchangeMeter(
            gw.ticker(), gw.stats().of(revision), gw.metrics(), gw.metrics().revision(revision));
    this.response = new ResponseRelay(this, ctx, revision, gw, frontend, meter, deadlines, request);
  }

  void start() {
    deadlines.start();
    slots.acquire();
  }

  void moveTo(ExchangePhase next) {
    if (!phase.canMoveTo(next)) {
      throw new IllegalStateException("exchange phase " + phase + " -> " + next);
    }
    phase = next;
  }

  @Override
  public void waiting() {
    moveTo(HELD);
    wire.held();
    meter.held();
    gw.statSink().poke(revision);
  }

  @Override
  public void slotGranted(Slot s) {
    moveTo(CONNECTING);
    meter.granted();
    endpoint = s.endpoint();
    meter.instance(endpoint.instanceClass());
    wire = wire.toward(endpoint.protocol());
    connector.open(endpoint, wire.passThrough(), this);
  }

  @Override
  public void connected(Channel ch, boolean reused) {
    if (phase == DONE) {
      ch.close();
      return;
    }
    moveTo(SENDING);
    upstream = ch;
    this.reused = reused;
    BackendHandler.of(ch).bind(this);
    deadlines.connected();
    request.send(ch, wire);
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
    request.part(content, last);
  }

  /** The client's body cannot be read to its end (malformed, stalled): its status or a cut. */
  void requestBodyFailed(ProxyError error) {
    request.unread(); // (the client's connection closes after the response anyway)
    if (phase.responseBegun()) {
      abort();
    } else {
      fail(error);
    }
  }

  /** A message from the instance, for the wire to read. */
  void onUpstreamMessage(Channel ch, Object msg) {
    if (phase == DONE || ch != upstream) {
      ReferenceCountUtil.release(msg);
      ch.close();
      return;
    }
    deadlines.touch();
    response.read(ch, msg, wire);
  }

  // --- the response (ResponseRelay calls these) ---

  Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public boolean over() {
    return phase == DONE;
  }

  /** The response was read whole: the channel goes back (pooled if reusable), the slot too. */
  void responseComplete(Channel ch, boolean reusable) {
    upstream = null;
    connector.release(endpoint, ch, wire.passThrough(), reusable);
    finish();
  }

  void tunnelClosed() {
    if (phase != DONE) {
      upstream = null;
      finish();
    }
  }

  /** End of a read batch from the instance: send what was written to the client. */
  void flushClient() {
    response.flush(wire);
  }

  void onClientWritable() {
    Channel ch = upstream;
    if (ch != null && phase != TUNNEL) {
      ch.config().setAutoRead(true);
    }
  }

  // --- failures and timeouts ---

  private void connectFailed() {
    if (phase == DONE) {
      return;
    }
    slots.unreachable();
    if (ExchangeRetry.afterConnectFailure(slots.attempts()) == ExchangeRetry.Decision.GIVE_UP) {
      fail(ProxyError.UPSTREAM_CONNECT);
      return;
    }
    moveTo(BACKOFF);
    long backoff = ExchangeRetry.backoff(slots.attempts()).toNanos();
    ctx.executor().schedule(this::backoffOver, backoff, TimeUnit.NANOSECONDS);
  }

  private void backoffOver() {
    if (phase == BACKOFF) {
      moveTo(ACQUIRING);
      slots.acquire();
    }
  }

  void onUpstreamClosed(Channel ch) {
    if (phase == DONE || phase == TUNNEL || ch != upstream) {
      return;
    }
    upstream = null;
    request.detach();
    if (phase == RESPONDING) {
      abort();
      return;
    }
    ExchangeRetry.Decision retry =
        ExchangeRetry.afterLoss(
            slots.attempts(),
            reused,
            staleRetried,
            lostFresh,
            facts.idempotent(),
            request.bytesSent());
    lostFresh |= !reused;
    switch (retry) {
      case SAME_INSTANCE_NEW_CONNECTION -> {
        // a kept-alive connection the instance had closed: it never processed this request
        staleRetried = true;
        moveTo(CONNECTING);
        connector.openFresh(endpoint, wire.passThrough(), this);
      }
      case ANOTHER_SLOT -> connectFailed(); // reset at once by a new instance: another slot
      case GIVE_UP -> fail(ProxyError.UPSTREAM_RESET);
    }
  }

  private void expired(ExchangeDeadlines.Expired which) {
    if (phase == DONE || phase == TUNNEL || (phase == RESPONDING && which == RESPONSE_START)) {
      return;
    }
    if (phase == RESPONDING) {
      abort();
    } else { // held (a grant on its way finds the exchange done), or not answered yet
      if (phase == HELD && which == TOTAL) {
        // held to the deadline: say why the revision had nothing to serve, when its runtime knows
        String problem = throttler.problem();
        fail(
            ProxyError.HOLD_TIMEOUT,
            problem == null
                ? null
                : ProxyError.HOLD_TIMEOUT.reason() + ": revision " + revision + ": " + problem);
      } else {
        fail(ProxyError.UPSTREAM_TIMEOUT);
      }
    }
  }

  /** The client went away: give back what we hold. */
  void clientClosed() {
    if (phase != DONE) {
      slots.cancel();
      finish();
    }
  }

  /** Fails before any response byte: one status to the client. */
  @Override
  public void fail(ProxyError error) {
    fail(error, null);
  }

  /** Fails with {@code reason} (null: the error's own) as the response's text. */
  private void fail(ProxyError error, String reason) {
    if (phase != DONE) {
      slots.cancel();
      meter.status(error.status().code());
      finish();
      frontend.exchangeFailed(
          facts.http10(), facts.passThrough() && facts.head(), error, reason, request.read());
    }
  }

  /** Fails after the response began: the client connection is closed mid-response. */
  void abort() {
    if (phase != DONE) {
      gw.metrics().aborted();
      finish();
      ctx.close();
    }
  }

  /** Ends the exchange, however it ended: the channel and slot it holds go, it is counted. */
  private void finish() {
    moveTo(DONE);
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
    slots.release();
    request.close();
    wire.release();
    response.release();
    deadlines.cancelAll();
    meter.finished();
  }
}
