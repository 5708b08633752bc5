package dev.pilotlight.activator.netty;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Header rewriting on the way in and out: hop-by-hop removal, forwarding headers, gateway headers.
 */
final class Headers {
  static final String SERVER_TIMING = "Server-Timing";
  static final String REVISION = "X-Pilotlight-Revision";
  static final String INSTANCE_CLASS = "X-Pilotlight-Instance-Class";
  static final String REQUEST_ID = "X-Request-Id";
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
          "Proxy-Connection");

  private Headers() {}

  /** A copy of the client's request for the instance (retains the body), keep-alive upstream. */
  static FullHttpRequest upstreamRequest(FullHttpRequest in, Channel client, Endpoint endpoint) {
    FullHttpRequest out = in.retainedDuplicate();
    out.setProtocolVersion(HttpVersion.HTTP_1_1);
    HttpHeaders h = out.headers();
    removeHopByHop(h);
    // the gateway has the whole body already: the instance must not send 100 Continue
    h.remove(HttpHeaderNames.EXPECT);
    String clientIp = ip(client.remoteAddress());
    String host = in.headers().get(HttpHeaderNames.HOST, "");
    String xff = h.get("X-Forwarded-For");
    h.set("X-Forwarded-For", xff == null ? clientIp : xff + ", " + clientIp);
    h.set("X-Forwarded-Proto", "http");
    h.set("X-Forwarded-Host", host);
    String forwarded = "for=" + forwardedNode(clientIp) + ";host=\"" + host + "\";proto=http";
    String prior = h.get("Forwarded");
    h.set("Forwarded", prior == null ? forwarded : prior + ", " + forwarded);
    if (!h.contains(REQUEST_ID)) {
      h.set(REQUEST_ID, UUID.randomUUID().toString());
    }
    HttpUtil.setContentLength(out, out.content().readableBytes());
    return out;
  }

  /** Rewrites the instance's response for the client. */
  static void downstreamResponse(
      FullHttpResponse r, RevisionKey revision, Endpoint endpoint, long heldNanos) {
    HttpHeaders h = r.headers();
    removeHopByHop(h);
    String timing = String.format(Locale.ROOT, "hold;dur=%.3f", heldNanos / 1e6);
    h.add(SERVER_TIMING, timing);
    h.set(REVISION, revision.name());
    h.set(INSTANCE_CLASS, endpoint.instanceClass().label());
    HttpUtil.setContentLength(r, r.content().readableBytes());
  }

  private static void removeHopByHop(HttpHeaders h) {
    for (String listed : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : listed.split(",")) {
        String n = name.trim();
        if (!n.isEmpty()
            && !n.equalsIgnoreCase(HttpHeaderValues.CLOSE.toString())
            && !n.equalsIgnoreCase(HttpHeaderValues.KEEP_ALIVE.toString())) {
          h.remove(n);
        }
      }
    }
    for (CharSequence name : HOP_BY_HOP) {
      h.remove(name);
    }
  }

  private static String ip(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : "unknown";
  }

  private static String forwardedNode(String ip) {
    return ip.contains(":") ? "\"[" + ip + "]\"" : ip;
  }
}
