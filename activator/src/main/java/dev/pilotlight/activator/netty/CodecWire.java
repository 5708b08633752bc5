package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.http1.BodyPart;
import dev.pilotlight.activator.http1.RequestHead;
import dev.pilotlight.api.spi.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The wire in Netty's HTTP objects: a request the codec decoded, or a pass-through request going to
 * an h2c instance (its head converted once, its body parts de-chunked into contents by {@link
 * RawToObjects}). The instance's response comes as objects from the client codec or the h2c stream:
 * interim 1xx heads are dropped, the head is rewritten for the client ({@link
 * Headers#downstreamResponse}, HTTP/1.0 framing for an HTTP/1.0 client), a 101 the client asked for
 * turns the exchange into a tunnel.
 */
final class CodecWire implements ExchangeWire {
  private final RequestFacts facts;
  private final FrontendHandler frontend;
  private final HttpRequest request; // the codec's head, rewritten on first send; or null
  private final String path;
  private final String host;
  private final String upgrade;
  private final RawToObjects toObjects; // body parts come as bytes (a pass-through request)
  private HttpRequest upstreamHead;
  private boolean informational;
  private boolean started;
  private boolean upgraded;
  private boolean closeClientAfter;

  private CodecWire(
      RequestFacts facts,
      FrontendHandler frontend,
      HttpRequest request,
      String path,
      String host,
      String upgrade,
      RawToObjects toObjects,
      HttpRequest upstreamHead) {
    this.facts = facts;
    this.frontend = frontend;
    this.request = request;
    this.path = path;
    this.host = host;
    this.upgrade = upgrade;
    this.toObjects = toObjects;
    this.upstreamHead = upstreamHead;
  }

  /** A request the codec decoded, for {@code path} on {@code host}. */
  static CodecWire of(HttpRequest request, String path, String host, FrontendHandler frontend) {
    // what the client's headers say, taken before they are rewritten for the instance
    return new CodecWire(
        RequestFacts.of(request),
        frontend,
        request,
        path,
        host,
        Headers.upgrade(request),
        null,
        null);
  }

  /** A pass-through request as objects (for an h2c instance); {@code head} stays the caller's. */
  static CodecWire of(RequestHead head, RequestFacts facts, FrontendHandler frontend) {
    HttpRequest converted =
        Headers.upstreamRequest(
            RawToObjects.request(head), head.target(), frontend.clientAddress(), head.host(), null);
    return new CodecWire(
        facts, frontend, null, null, head.host(), null, new RawToObjects(head), converted);
  }

  @Override
  public RequestFacts facts() {
    return facts;
  }

  @Override
  public ExchangeWire toward(Protocol protocol) {
    return this; // objects go to either kind of instance
  }

  @Override
  public boolean passThrough() {
    return false;
  }

  @Override
  public void held() {}

  @Override
  public void writeHead(Channel upstream) {
    if (upstreamHead == null) {
      upstreamHead =
          Headers.upstreamRequest(request, path, frontend.clientAddress(), host, upgrade);
    }
    upstream.write(upstreamHead, upstream.voidPromise());
  }

  @Override
  public void endRequest(Channel upstream) {
    upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
  }

  @Override
  public Object requestPart(Object part) {
    return toObjects == null ? part : toObjects.content((BodyPart) part);
  }

  @Override
  public void onResponse(Channel upstream, Object msg, Sink sink) {
    if (upgraded) {
      // bytes that came with or after the 101, before the tunnel handlers took over
      if (msg instanceof HttpContent c) {
        if (c.content().isReadable()) {
          sink.tunnelBytes(c.content().retain());
        }
        c.release();
      } else if (msg instanceof ByteBuf bytes) {
        sink.tunnelBytes(bytes);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (msg instanceof HttpResponse head) {
      onHead(upstream, head, sink);
      if (!(msg instanceof HttpContent)) {
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      boolean last = content instanceof LastHttpContent;
      if (informational || !started) {
        content.release();
        if (last) {
          informational = false;
        }
        return;
      }
      sink.responsePart(upstream, content, last);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(Channel upstream, HttpResponse head, Sink sink) {
    if (head.decoderResult().isFailure()) {
      upstream.close(); // reaches the exchange as a lost connection: 502 or broken off
      return;
    }
    GatewayInitializer.ensureResponseEncoder(sink.client().pipeline()); // an h2c instance's
    int code = head.status().code();
    if (code == 101 && upgrade != null) {
      upgraded = true;
      sink.upgraded(upstream, head);
      return;
    }
    if (code < 200) {
      informational = true; // 1xx before the real response (we asked for no 100): drop it
      return;
    }
    boolean upstreamKeepAlive = HttpUtil.isKeepAlive(head);
    Headers.downstreamResponse(
        head, sink.revision(), sink.endpoint(), sink.heldNanos(), facts.head());
    if (facts.http10()) {
      head.setProtocolVersion(HttpVersion.HTTP_1_0);
      if (HttpUtil.isTransferEncodingChunked(head)) {
        // HTTP/1.0 has no chunked framing: the body ends where the connection does
        head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        closeClientAfter = true;
      }
    }
    if (closeClientAfter || !facts.keepAlive() || frontend.closeForDrain()) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (facts.http10()) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    started = true;
    sink.responseStarted(code, upstreamKeepAlive);
    if (!(head instanceof HttpContent)) {
      sink.clientWrite(head);
    } // else a whole response (HTTP/2 HEADERS ending the stream, e.g. gRPC's trailers-only):
    // written whole as its own last content, so it stays one HEADERS frame to an HTTP/2 client
  }

  @Override
  public ByteBuf takeClientHead() {
    return null;
  }

  @Override
  public boolean closesClient() {
    return closeClientAfter;
  }

  @Override
  public void release() {}
}
