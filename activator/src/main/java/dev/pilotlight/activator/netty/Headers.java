package dev.pilotlight.activator.netty;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rewriting on the way in and out: hop-by-hop removal, forwarding headers, gateway headers.
 */
final class Headers {
  // AsciiString names: their hash is computed once, not on every lookup
  static final AsciiString SERVER_TIMING = AsciiString.cached("Server-Timing");
  static final AsciiString REVISION = AsciiString.cached("X-Pilotlight-Revision");
  static final AsciiString INSTANCE_CLASS = AsciiString.cached("X-Pilotlight-Instance-Class");
  static final AsciiString REQUEST_ID = AsciiString.cached("X-Request-Id");
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
  private static final AsciiString FORWARDED = AsciiString.cached("Forwarded");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("Proxy-Connection");
  private static final String NOT_HELD = "hold;dur=0.000";
  private static final List<CharSequence> HOP_BY_HOP =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.PROXY_AUTHORIZATION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE,
          PROXY_CONNECTION);

  private Headers() {}

  /**
   * The client's request head for the instance: HTTP/1.1, keep-alive upstream, forwarding headers,
   * a request id. The framing is the one the gateway decoded the body by, set again after every
   * removal: {@code Transfer-Encoding: chunked} when the client's body is chunked, else its {@code
   * Content-Length}, whatever {@code Connection} names (a body that went upstream without its
   * framing would be read by the instance as a request of its own). An upgrade request keeps its
   * {@code Upgrade} header. {@code Expect} is dropped: the gateway answers {@code 100 Continue}
   * itself when it is ready for the body.
   *
   * <p>The client's header block is rewritten in place and shared by the returned head (no copy):
   * callers take what they need of the client's headers first, and build this head once per request
   * (a retry writes the same head again).
   */
  static HttpRequest upstreamRequest(
      HttpRequest in, String path, ClientAddress client, String host, String upgrade) {
    HttpHeaders h = in.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(in);
    String length = chunked ? null : h.get(HttpHeaderNames.CONTENT_LENGTH);
    removeHopByHop(h);
    h.remove(HttpHeaderNames.EXPECT);
    if (chunked) {
      h.remove(HttpHeaderNames.CONTENT_LENGTH);
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    } else if (length != null) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, length); // the one value the codec framed the body by
    }
    if (upgrade != null) {
      h.set(HttpHeaderNames.UPGRADE, upgrade);
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }
    forEachForwardingHeader(
        client,
        host,
        h.get(X_FORWARDED_FOR),
        h.get(FORWARDED),
        (name, value) -> h.set(name, value));
    h.set(HttpHeaderNames.HOST, host);
    if (!h.contains(REQUEST_ID)) {
      h.set(REQUEST_ID, requestId());
    }
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, in.method(), path, h);
  }

  /**
   * The forwarding headers for the instance, for both paths: {@code X-Forwarded-For} (the client's
   * address appended to the client's first value), {@code -Proto} ({@code https} when the client
   * came over TLS), {@code -Host}, and {@code Forwarded} (an element appended likewise). Each
   * replaces the client's headers of that name.
   */
  static void forEachForwardingHeader(
      ClientAddress client,
      String host,
      String priorForwardedFor,
      String priorForwarded,
      java.util.function.BiConsumer<AsciiString, String> sink) {
    sink.accept(
        X_FORWARDED_FOR,
        priorForwardedFor == null ? client.ip() : priorForwardedFor + ", " + client.ip());
    sink.accept(X_FORWARDED_PROTO, client.proto());
    sink.accept(X_FORWARDED_HOST, host);
    String forwarded = client.forwardedFor() + ";host=\"" + host + "\";proto=" + client.proto();
    sink.accept(FORWARDED, priorForwarded == null ? forwarded : priorForwarded + ", " + forwarded);
  }

  /** What a gateway response header's value is made of. */
  @FunctionalInterface
  interface GatewayValue {
    String of(RevisionKey revision, Endpoint endpoint, long heldNanos);
  }

  /**
   * A header the gateway puts on every proxied response.
   *
   * @param replaces true when the instance's own headers of this name are dropped, false when this
   *     value is added to them
   */
  record GatewayHeader(AsciiString name, boolean replaces, GatewayValue value) {}

  /**
   * The headers the gateway puts on every proxied response, in this one place for both the codec
   * path ({@link #downstreamResponse}) and the pass-through path ({@link RawHeads}).
   */
  static final List<GatewayHeader> GATEWAY_HEADERS =
      List.of(
          new GatewayHeader(SERVER_TIMING, false, (rev, endpoint, held) -> holdTiming(held)),
          new GatewayHeader(REVISION, true, (rev, endpoint, held) -> rev.name()),
          new GatewayHeader(
              INSTANCE_CLASS, true, (rev, endpoint, held) -> endpoint.instanceClass().label()));

  /**
   * A client connection's address as the forwarding headers state it, computed once per connection.
   *
   * @param ip the address for {@code X-Forwarded-For}
   * @param forwardedFor the {@code for=} element of {@code Forwarded} (RFC 7239: IPv6 quoted)
   */
  /**
   * The client's side of a connection, for the forwarding headers.
   *
   * @param proto {@code https} on the TLS port, else {@code http}
   */
  record ClientAddress(String ip, String forwardedFor, String proto) {
    static ClientAddress of(SocketAddress a) {
      return of(a, false);
    }

    static ClientAddress of(SocketAddress a, boolean tls) {
      String ip = a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : "unknown";
      return new ClientAddress(
          ip, "for=" + (ip.contains(":") ? "\"[" + ip + "]\"" : ip), tls ? "https" : "http");
    }
  }

  /**
   * A random version-4 UUID from the event loop's {@link ThreadLocalRandom}: request ids need to be
   * unique, not unguessable, and {@link UUID#randomUUID()} takes a global lock on SecureRandom.
   */
  static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
    return new UUID(msb, lsb).toString();
  }

  /** {@code hold;dur=MS} with three decimals, without a Formatter. */
  static String holdTiming(long heldNanos) {
    if (heldNanos < 1000) {
      return NOT_HELD;
    }
    long micros = Math.max(0, heldNanos) / 1000;
    long frac = micros % 1000;
    return "hold;dur=" + micros / 1000 + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
  }

  /**
   * The {@code Upgrade} protocol a request asks for (with {@code Connection: upgrade}), or null.
   * {@code h2c} is never passed on: it concerns the client's connection to the gateway only ({@link
   * H2Frontend} takes it up or, for a request it does not upgrade, it is dropped like any
   * hop-by-hop header).
   */
  static String upgrade(HttpRequest r) {
    String upgrade = r.headers().get(HttpHeaderNames.UPGRADE);
    if (upgrade == null
        || !r.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        || H2Frontend.asksForH2c(r)) {
      return null;
    }
    return upgrade;
  }

  /**
   * Rewrites the instance's response head for the client: hop-by-hop headers out, gateway headers
   * in. A body without framing is re-framed as chunked for HTTP/1.1 clients so the connection can
   * stay open; a 101 keeps {@code Upgrade} and {@code Connection: upgrade}.
   */
  static void downstreamResponse(
      HttpResponse r,
      RevisionKey revision,
      Endpoint endpoint,
      long heldNanos,
      boolean headRequest) {
    HttpHeaders h = r.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(r);
    String upgrade = h.get(HttpHeaderNames.UPGRADE);
    removeHopByHop(h);
    int code = r.status().code();
    if (code == 101 && upgrade != null) {
      h.set(HttpHeaderNames.UPGRADE, upgrade);
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    } else if (chunked
        || (!headRequest
            && !h.contains(HttpHeaderNames.CONTENT_LENGTH)
            && code != 204
            && code != 304
            && code >= 200)) {
      h.remove(HttpHeaderNames.CONTENT_LENGTH);
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    for (GatewayHeader g : GATEWAY_HEADERS) {
      String value = g.value().of(revision, endpoint, heldNanos);
      if (g.replaces()) {
        h.set(g.name(), value);
      } else {
        h.add(g.name(), value);
      }
    }
    r.setProtocolVersion(HttpVersion.HTTP_1_1);
  }

  private static void removeHopByHop(HttpHeaders h) {
    if (h.contains(HttpHeaderNames.CONNECTION)) {
      removeConnectionListed(h);
    }
    for (CharSequence name : HOP_BY_HOP) {
      h.remove(name);
    }
  }

  /**
   * Headers named in {@code Connection} are hop-by-hop too (RFC 9110 7.6.1), except those that
   * frame the message or name its target ({@code Content-Length}, {@code Transfer-Encoding}, {@code
   * Host}): a message's framing is never the sender's to drop, and the caller sets those again from
   * what was decoded.
   */
  private static void removeConnectionListed(HttpHeaders h) {
    for (String listed : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : listed.split(",")) {
        String n = name.trim();
        if (!n.isEmpty() && !KEPT_WHEN_LISTED.contains(n.toLowerCase(java.util.Locale.ROOT))) {
          h.remove(n);
        }
      }
    }
  }

  /** {@code Connection} tokens that name no header to drop, or one that is never dropped. */
  private static final java.util.Set<String> KEPT_WHEN_LISTED =
      java.util.Set.of(
          HttpHeaderValues.CLOSE.toString(),
          HttpHeaderValues.KEEP_ALIVE.toString(),
          HttpHeaderNames.CONTENT_LENGTH.toString(),
          HttpHeaderNames.TRANSFER_ENCODING.toString(),
          HttpHeaderNames.HOST.toString());
}
