package dev.pilotlight.activator.netty;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The response's way from the instance to the client, for one exchange: what its {@link
 * ExchangeWire} makes of the instance's messages is written to the client and flushed at the end of
 * each read batch; the instance is read only while the client keeps up (auto-read off while the
 * client's connection is not writable); the last part ends the exchange; a 101 goes to a {@link
 * TunnelSwitch}. A write to the client that fails breaks the response off.
 */
final class ResponseRelay implements ExchangeWire.Sink {
  private final ProxyExchange exchange;
  private final ChannelHandlerContext client;
  private final RevisionKey revision;
  private final GatewayContext gw;
  private final FrontendHandler frontend;
  private final ExchangeMeter meter;
  private final ExchangeDeadlines deadlines;
  private final RequestForwarder request;
  private ExchangeWire wire;
  private boolean upstreamKeepAlive;
  private boolean unflushed;
  private TunnelSwitch tunnel;
  private final ChannelFutureListener breakOffOnFailure;

  ResponseRelay(
      ProxyExchange exchange,
      ChannelHandlerContext client,
      RevisionKey revision,
      GatewayContext gw,
      FrontendHandler frontend,
      ExchangeMeter meter,
      ExchangeDeadlines deadlines,
      RequestForwarder request) {
    this.exchange = exchange;
    this.client = client;
    this.revision = revision;
    this.gw = gw;
    this.frontend = frontend;
    this.meter = meter;
    this.deadlines = deadlines;
    this.request = request;
    this.breakOffOnFailure =
        f -> {
          if (!f.isSuccess()) {
            exchange.abort();
          }
        };
  }

  /** A message from the instance, read by {@code wire}. */
  void read(Channel upstream, Object msg, ExchangeWire wire) {
    this.wire = wire;
    wire.onResponse(upstream, msg, this);
  }

  /** End of a read batch from the instance: what was written goes to the client. */
  void flush(ExchangeWire wire) {
    ByteBuf head = wire.takeClientHead();
    if (head != null) {
      clientWrite(head);
    }
    if (unflushed) {
      unflushed = false;
      client.flush();
    }
  }

  @Override
  public ChannelHandlerContext client() {
    return client;
  }

  @Override
  public RevisionKey revision() {
    return revision;
  }

  @Override
  public Endpoint endpoint() {
    return exchange.endpoint();
  }

  @Override
  public long heldNanos() {
    return meter.heldNanos();
  }

  @Override
  public void responseStarted(int status, boolean upstreamKeepAlive) {
    exchange.moveTo(ExchangePhase.RESPONDING);
    deadlines.responseStarted();
    this.upstreamKeepAlive = upstreamKeepAlive;
    meter.status(status);
    unflushed = true;
  }

  @Override
  public void clientWrite(Object msg) {
    client.write(msg).addListener(breakOffOnFailure);
    unflushed = true;
  }

  @Override
  public void responsePart(Channel upstream, Object content, boolean last) {
    if (!last) {
      clientWrite(content);
      if (!client.channel().isWritable()) {
        upstream.config().setAutoRead(false); // resumes when the client's channel drains
      }
      return;
    }
    // the instance has answered in full: its slot and connection are free
    exchange.responseComplete(upstream, upstreamKeepAlive && request.read());
    gw.metrics().proxied();
    boolean closeAfter = wire.closesClient();
    unflushed = false;
    client
        .writeAndFlush(content)
        .addListener(
            (ChannelFutureListener)
                f -> frontend.exchangeDone(request.read(), closeAfter || !f.isSuccess()));
  }

  @Override
  public void upgraded(Channel upstream, HttpResponse head) {
    exchange.moveTo(ExchangePhase.TUNNEL);
    deadlines.cancelAll();
    request.close();
    Headers.downstreamResponse(head, revision, endpoint(), heldNanos(), false);
    meter.status(101);
    gw.metrics().proxied();
    tunnel = new TunnelSwitch();
    tunnel.open(
        client,
        upstream,
        head,
        gw.metrics(),
        exchange::tunnelClosed,
        exchange::abort,
        exchange::over);
  }

  @Override
  public void tunnelBytes(ByteBuf bytes) {
    tunnel.bytes(bytes);
  }

  /** The exchange ended: what was kept for the client is dropped. */
  void release() {
    if (tunnel != null) {
      tunnel.release();
    }
  }
}
