package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.http1.BodyFraming;
import dev.pilotlight.activator.http1.HeaderKind;
import dev.pilotlight.activator.http1.RequestHead;
import dev.pilotlight.activator.http1.ResponseHead;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pass-through path's head rewriting, byte for byte: the original header lines are copied in
 * runs, the hop-by-hop ones and those the gateway replaces left out, and the gateway's own appended
 * after them, with exactly the values {@link Headers} gives the codec path.
 */
final class RawHeads {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] HTTP11 = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHUNKED =
      "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Each gateway header's {@code "Name: "}, in {@link Headers#GATEWAY_HEADERS} order. */
  private static final byte[][] GATEWAY_NAMES =
      Headers.GATEWAY_HEADERS.stream()
          .map(g -> (g.name() + ": ").getBytes(StandardCharsets.US_ASCII))
          .toArray(byte[][]::new);

  /** The instance's headers the gateway's replace, lower case. */
  private static final List<String> REPLACED =
      Headers.GATEWAY_HEADERS.stream()
          .filter(Headers.GatewayHeader::replaces)
          .map(g -> g.name().toLowerCase().toString())
          .toList();

  private RawHeads() {}

  /**
   * The request head for the instance: the client's request line and header lines minus hop-by-hop
   * ones, {@code Expect} and the forwarding headers, then the forwarding headers and a request id
   * when the client sent none ({@link Headers#upstreamRequest} on the codec path).
   */
  static ByteBuf upstreamRequest(
      RequestHead h, Headers.ClientAddress client, ForwardingCache cache, ByteBufAllocator alloc) {
    ByteBuf src = h.bytes();
    String host = h.host();
    ByteBuf out = alloc.buffer(src.readableBytes() + 192 + 2 * host.length());
    out.writeBytes(src, src.readerIndex(), h.headersStart());
    copyRuns(h, out, i -> keepInRequest(h.kind(i)));
    if (h.chunked()) {
      out.writeBytes(CHUNKED);
    }
    if (h.firstForwardedFor() < 0 && h.firstForwarded() < 0) {
      out.writeBytes(cache.of(client, host));
    } else {
      String xff = h.firstForwardedFor() < 0 ? null : h.value(h.firstForwardedFor());
      String forwarded = h.firstForwarded() < 0 ? null : h.value(h.firstForwarded());
      Headers.forEachForwardingHeader(client, host, xff, forwarded, (n, v) -> field(out, n, v));
    }
    if (!h.hasRequestId()) {
      field(out, Headers.REQUEST_ID, Headers.requestId());
    }
    out.writeBytes(CRLF);
    return out;
  }

  private static boolean keepInRequest(int kind) {
    return switch (kind) {
      case HeaderKind.OTHER, HeaderKind.HOST, HeaderKind.CONTENT_LENGTH, HeaderKind.REQUEST_ID ->
          true;
      default -> false;
    };
  }

  /**
   * The response head for the client (HTTP/1.1): the instance's status and header lines minus
   * hop-by-hop ones (those its {@code Connection} names too) and those the gateway sets, then
   * chunked framing when the body is chunked or must be (delimited by the connection's end), the
   * gateway's headers ({@link Headers#GATEWAY_HEADERS}) and {@code Connection: close} when the
   * client asked for it.
   */
  static ByteBuf downstreamResponse(
      ResponseHead h,
      RevisionKey revision,
      Endpoint endpoint,
      long heldNanos,
      boolean clientKeepAlive,
      int bodyRoom,
      ByteBufAllocator alloc) {
    ByteBuf src = h.bytes();
    List<String> listed = h.connectionListsHeaders() ? connectionListed(h) : List.of();
    boolean chunked = h.chunked() || h.framing() == BodyFraming.Mode.UNTIL_CLOSE;
    ByteBuf out = alloc.buffer(src.readableBytes() + 160 + bodyRoom);
    out.writeBytes(HTTP11);
    int from = src.readerIndex() + h.statusOffset();
    out.writeBytes(src, from, src.readerIndex() + h.headersStart() - from);
    copyRuns(
        h,
        out,
        i -> {
          int kind = h.kind(i);
          if (kind == HeaderKind.CONTENT_LENGTH) {
            return !chunked;
          }
          if (kind != HeaderKind.OTHER && !keepInResponse(kind)) {
            return false;
          }
          return !named(h, i, REPLACED) && !named(h, i, listed);
        });
    if (chunked) {
      out.writeBytes(CHUNKED);
    }
    for (int i = 0; i < GATEWAY_NAMES.length; i++) {
      out.writeBytes(GATEWAY_NAMES[i]);
      Headers.GatewayHeader g = Headers.GATEWAY_HEADERS.get(i);
      out.writeCharSequence(
          g.value().of(revision, endpoint, heldNanos), StandardCharsets.ISO_8859_1);
      out.writeBytes(CRLF);
    }
    if (!clientKeepAlive) {
      out.writeBytes(CLOSE);
    }
    out.writeBytes(CRLF);
    return out;
  }

  private static boolean keepInResponse(int kind) {
    return switch (kind) {
      case HeaderKind.CONNECTION,
          HeaderKind.TRANSFER_ENCODING,
          HeaderKind.UPGRADE,
          HeaderKind.HOP_BY_HOP ->
          false;
      default -> true;
    };
  }

  private static boolean named(ResponseHead h, int i, List<String> names) {
    for (int k = 0; k < names.size(); k++) {
      if (h.nameIs(i, names.get(k))) {
        return true;
      }
    }
    return false;
  }

  /** The header names a response's {@code Connection} lists, lower case. */
  private static List<String> connectionListed(ResponseHead h) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < h.count(); i++) {
      if (h.kind(i) == HeaderKind.CONNECTION) {
        for (String token : h.value(i).split(",")) {
          String n = token.trim().toLowerCase(java.util.Locale.ROOT);
          if (!n.isEmpty() && !n.equals("close") && !n.equals("keep-alive")) {
            names.add(n);
          }
        }
      }
    }
    return names;
  }

  /**
   * A connection's forwarding header lines for the host it last asked for, when its requests bring
   * no forwarding headers of their own (the usual case): made once, copied into every request.
   */
  static final class ForwardingCache {
    private String host;
    private byte[] lines;

    byte[] of(Headers.ClientAddress client, String host) {
      if (!host.equals(this.host)) {
        StringBuilder sb = new StringBuilder(128);
        Headers.forEachForwardingHeader(
            client, host, null, null, (n, v) -> sb.append(n).append(": ").append(v).append("\r\n"));
        this.lines = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        this.host = host;
      }
      return lines;
    }
  }

  private interface Keep {
    boolean test(int i);
  }

  /** Copies the header lines {@code keep} accepts, contiguous ones in one go. */
  private static void copyRuns(dev.pilotlight.activator.http1.Head h, ByteBuf out, Keep keep) {
    ByteBuf src = h.bytes();
    int base = src.readerIndex();
    int run = -1;
    int n = h.count();
    for (int i = 0; i < n; i++) {
      if (keep.test(i)) {
        if (run < 0) {
          run = h.lineStart(i);
        }
      } else if (run >= 0) {
        out.writeBytes(src, base + run, h.lineStart(i) - run);
        run = -1;
      }
    }
    if (run >= 0) {
      out.writeBytes(src, base + run, h.lineEnd(n - 1) - run);
    }
  }

  private static void field(ByteBuf out, CharSequence name, CharSequence value) {
    out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
    out.writeByte(':');
    out.writeByte(' ');
    out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
    out.writeBytes(CRLF);
  }
}
