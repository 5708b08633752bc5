package dev.pilotlight.activator.netty;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * The request's way from the client to the instance, for one exchange: the head on each channel the
 * exchange gets (a retry sends it again), then the body one part per completed write (the client's
 * next part is read only once the previous one was written, so a slow instance slows the client),
 * with {@code 100 Continue} when the client waits for it. It keeps what a retry decision needs:
 * whether the body was read to its end and how many of its bytes went out. A part read while a
 * retry gets its channel waits here (one at most: nothing more is read meanwhile).
 */
final class RequestForwarder {
  private final ChannelHandlerContext client;
  private final FrontendHandler frontend;
  private final RequestFacts facts;
  private final ExchangeDeadlines deadlines;
  private ExchangeWire wire;
  private Channel upstream;
  private boolean read;
  private long bytesSent;
  private Object pending;
  private boolean pendingLast;
  private boolean closed;

  RequestForwarder(
      ChannelHandlerContext client,
      FrontendHandler frontend,
      RequestFacts facts,
      ExchangeDeadlines deadlines) {
    this.client = client;
    this.frontend = frontend;
    this.facts = facts;
    this.deadlines = deadlines;
    this.read = facts.passThrough() && facts.bodyless(); // no body part follows such a head
  }

  /** Sends the request on {@code ch}, a new channel of the exchange, in {@code wire}'s terms. */
  void send(Channel ch, ExchangeWire wire) {
    this.wire = wire;
    this.upstream = ch;
    // a failed write fires exceptionCaught, which closes the channel: the exchange hears of it
    wire.writeHead(ch);
    if (pending != null) {
      Object c = pending;
      pending = null;
      part(c, pendingLast);
    } else if (read) {
      wire.endRequest(ch); // no body, or a retry of one read to its end
      deadlines.requestSent();
    } else {
      if (!facts.bodyless()) {
        ch.flush();
        if (facts.expectsContinue()) {
          GatewayInitializer.ensureResponseEncoder(client.pipeline());
          client.writeAndFlush(
              new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
      }
      frontend.readMore();
    }
  }

  /** A part of the body, read from the client ({@code last} ends it); taken over. */
  void part(Object content, boolean last) {
    if (last) {
      read = true;
    }
    Channel ch = upstream;
    if (closed) {
      ReferenceCountUtil.release(content);
      return;
    }
    if (ch == null) {
      pending = content; // a retry is getting its channel
      pendingLast = last;
      return;
    }
    deadlines.touch();
    bytesSent += ((ByteBufHolder) content).content().readableBytes();
    ch.writeAndFlush(wire.requestPart(content))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    f.channel().close();
                  } else if (!last && !closed && upstream == ch) {
                    deadlines.touch();
                    frontend.readMore();
                  }
                });
    if (last) {
      deadlines.requestSent();
    }
  }

  /** The channel was lost: parts wait for the next one. */
  void detach() {
    upstream = null;
  }

  /** Whether the body was read from the client to its end. */
  boolean read() {
    return read;
  }

  /**
   * The rest of the body will not be read (it failed): the client's connection cannot be reused.
   */
  void unread() {
    read = false;
  }

  /** Body bytes written to instances so far. */
  long bytesSent() {
    return bytesSent;
  }

  /** No more parts go anywhere (the exchange ended, or became a tunnel): they are dropped. */
  void close() {
    closed = true;
    upstream = null;
    if (pending != null) {
      ReferenceCountUtil.release(pending);
      pending = null;
    }
  }
}
