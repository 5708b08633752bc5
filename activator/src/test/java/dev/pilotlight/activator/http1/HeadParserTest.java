package dev.pilotlight.activator.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Request and response heads: what the pass-through path takes, and what it leaves or refuses. */
class HeadParserTest {
  static {
    LeakCheck.install();
  }

  private static final int MAX_LINE = 256;
  private static final int MAX_HEADERS = 1024;

  @AfterEach
  void noLeaks() {
    LeakCheck.assertNoLeaks();
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  static Stream<Arguments> requestsLeftToTheCodec() {
    String h = "Host: a\r\n";
    return Stream.of(
        Arguments.of("HTTP/1.0", "GET / HTTP/1.0\r\n" + h + "\r\n"),
        Arguments.of("HTTP/2 version", "GET / HTTP/2.0\r\n" + h + "\r\n"),
        Arguments.of("absolute form", "GET http://a/ HTTP/1.1\r\n" + h + "\r\n"),
        Arguments.of("asterisk form", "OPTIONS * HTTP/1.1\r\n" + h + "\r\n"),
        Arguments.of("authority form", "CONNECT a:443 HTTP/1.1\r\n" + h + "\r\n"),
        Arguments.of("lower-case method", "get / HTTP/1.1\r\n" + h + "\r\n"),
        Arguments.of("leading empty line", "\r\nGET / HTTP/1.1\r\n" + h + "\r\n"),
        Arguments.of("two spaces", "GET  / HTTP/1.1\r\n" + h + "\r\n"),
        Arguments.of("space in target", "GET /a b HTTP/1.1\r\n" + h + "\r\n"),
        Arguments.of("bare LF request line", "GET / HTTP/1.1\n" + h + "\r\n"),
        Arguments.of("bare LF header", "GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n"),
        Arguments.of("no host", "GET / HTTP/1.1\r\nX: 1\r\n\r\n"),
        Arguments.of("empty host", "GET / HTTP/1.1\r\nHost: \r\n\r\n"),
        Arguments.of("two hosts", "GET / HTTP/1.1\r\n" + h + h + "\r\n"),
        Arguments.of("obs-fold", "GET / HTTP/1.1\r\n" + h + "X: 1\r\n 2\r\n\r\n"),
        Arguments.of("space before colon", "GET / HTTP/1.1\r\n" + h + "X : 1\r\n\r\n"),
        Arguments.of("no colon", "GET / HTTP/1.1\r\n" + h + "X\r\n\r\n"),
        Arguments.of("empty name", "GET / HTTP/1.1\r\n" + h + ": 1\r\n\r\n"),
        Arguments.of("non-token name", "GET / HTTP/1.1\r\n" + h + "X(: 1\r\n\r\n"),
        Arguments.of("NUL in value", "GET / HTTP/1.1\r\n" + h + "X: a\0b\r\n\r\n"),
        Arguments.of("CR in value", "GET / HTTP/1.1\r\n" + h + "X: a\rb\r\n\r\n"),
        Arguments.of("DEL in value", "GET / HTTP/1.1\r\n" + h + "X: a\u007fb\r\n\r\n"),
        Arguments.of("bad length", "POST / HTTP/1.1\r\n" + h + "Content-Length: x\r\n\r\n"),
        Arguments.of("signed length", "POST / HTTP/1.1\r\n" + h + "Content-Length: +1\r\n\r\n"),
        Arguments.of("length list", "POST / HTTP/1.1\r\n" + h + "Content-Length: 1, 1\r\n\r\n"),
        Arguments.of(
            "two lengths",
            "POST / HTTP/1.1\r\n" + h + "Content-Length: 1\r\nContent-Length: 1\r\n\r\n"),
        Arguments.of(
            "length and chunked",
            "POST / HTTP/1.1\r\n" + h + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Arguments.of("gzip coding", "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\n"),
        Arguments.of(
            "chunked twice",
            "POST / HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Arguments.of(
            "chunked list", "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n"),
        Arguments.of("upgrade", "GET / HTTP/1.1\r\n" + h + "Upgrade: websocket\r\n\r\n"),
        Arguments.of("h2c settings", "GET / HTTP/1.1\r\n" + h + "HTTP2-Settings: AAA\r\n\r\n"),
        Arguments.of("connection names", "GET / HTTP/1.1\r\n" + h + "Connection: X-Drop\r\n\r\n"),
        Arguments.of("other expectation", "GET / HTTP/1.1\r\n" + h + "Expect: teapot\r\n\r\n"),
        Arguments.of(
            "underscored framing name",
            "POST / HTTP/1.1\r\n" + h + "Content-Length: 1\r\nTransfer_Encoding: chunked\r\n\r\n"),
        Arguments.of(
            "underscored forwarding name",
            "GET / HTTP/1.1\r\n" + h + "X_Forwarded_For: 1.2.3.4\r\n\r\n"),
        Arguments.of("HTTP/2.0 request line", "GET / HTTP/2.0\r\n" + h + "\r\n"),
        Arguments.of(
            "request line at the limit",
            "GET /" + "a".repeat(MAX_LINE - 16) + " HTTP/1.1\r\n" + h + "\r\n"),
        Arguments.of(
            "headers at the limit",
            "GET / HTTP/1.1\r\n" + h + "X: " + "b".repeat(MAX_HEADERS - 20) + "\r\n\r\n"),
        Arguments.of("endless request line", "GET /" + "a".repeat(MAX_LINE) /* no line end yet */),
        Arguments.of(
            "endless headers", "GET / HTTP/1.1\r\n" + h + "X: " + "b".repeat(2 * MAX_HEADERS)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestsLeftToTheCodec")
  void requestsTheCodecMustDecideAreLeftWhole(String name, String raw) {
    ByteBuf in = bytes(raw);
    assertThat(new HeadParser(MAX_LINE, MAX_HEADERS).parseRequest(in))
        .isEqualTo(HeadParser.UNSUPPORTED);
    assertThat(in.readerIndex()).isZero();
    in.release();
  }

  @Test
  void aPlainRequestIsParsedInPlace() {
    String raw =
        "POST /a?b=c HTTP/1.1\r\nHost: Hello.Example:8080\r\ncontent-length: 12 \r\n"
            + "X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\nConnection: keep-alive,"
            + " Close\r\nExpect: 100-Continue\r\nx-request-id: abc\r\nX-Empty:\r\n\r\nbody";
    ByteBuf in = bytes(raw);
    HeadParser p = new HeadParser(MAX_LINE, MAX_HEADERS);
    assertThat(p.parseRequest(in)).isEqualTo(HeadParser.DONE);
    RequestHead h = p.takeRequest();
    assertThat(in.readerIndex()).isEqualTo(raw.indexOf("body"));
    assertThat(h.method()).isEqualTo("POST");
    assertThat(h.target()).isEqualTo("/a?b=c");
    assertThat(h.host()).isEqualTo("Hello.Example:8080");
    assertThat(h.contentLength()).isEqualTo(12);
    assertThat(h.chunked()).isFalse();
    assertThat(h.bodyless()).isFalse();
    assertThat(h.keepAlive()).isFalse();
    assertThat(h.expectContinue()).isTrue();
    assertThat(h.idempotent()).isFalse();
    assertThat(h.hasRequestId()).isTrue();
    assertThat(h.count()).isEqualTo(8);
    assertThat(h.value(h.firstForwardedFor())).isEqualTo("1.2.3.4");
    assertThat(h.firstForwarded()).isEqualTo(-1);
    assertThat(h.kind(0)).isEqualTo(HeaderKind.HOST);
    assertThat(h.kind(1)).isEqualTo(HeaderKind.CONTENT_LENGTH);
    assertThat(h.value(1)).isEqualTo("12"); // trailing whitespace is not part of the value
    assertThat(h.name(7)).isEqualTo("X-Empty");
    assertThat(h.value(7)).isEmpty();
    assertThat(h.kind(7)).isEqualTo(HeaderKind.OTHER);
    h.release();
    in.release();
  }

  @Test
  void aChunkedHeadRequestWithoutBodyHeaders() {
    HeadParser p = new HeadParser(MAX_LINE, MAX_HEADERS);
    ByteBuf in = bytes("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n");
    assertThat(p.parseRequest(in)).isEqualTo(HeadParser.DONE);
    RequestHead h = p.takeRequest();
    assertThat(h.chunked()).isTrue();
    assertThat(h.contentLength()).isEqualTo(-1);
    assertThat(h.keepAlive()).isTrue();
    assertThat(h.idempotent()).isTrue();
    h.release();
    in.release();

    in = bytes("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(p.parseRequest(in)).isEqualTo(HeadParser.DONE);
    h = p.takeRequest();
    assertThat(h.isHead()).isTrue();
    assertThat(h.bodyless()).isTrue();
    h.release();
    in.release();
  }

  @Test
  void aHeadArrivingByteByByteIsParsedOnceComplete() {
    String raw = "GET /x HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\r\nGET /y HTTP/1.1\r\nHost: b\r\n\r\n";
    HeadParser p = new HeadParser(MAX_LINE, MAX_HEADERS);
    ByteBuf in = Unpooled.buffer();
    int heads = 0;
    for (byte b : raw.getBytes(StandardCharsets.ISO_8859_1)) {
      in.writeByte(b);
      int r = p.parseRequest(in);
      if (r == HeadParser.DONE) {
        RequestHead h = p.takeRequest();
        assertThat(h.target()).isEqualTo(heads == 0 ? "/x" : "/y");
        assertThat(h.host()).isEqualTo(heads == 0 ? "a" : "b");
        h.release();
        heads++;
      } else {
        assertThat(r).isEqualTo(HeadParser.INCOMPLETE);
      }
    }
    assertThat(heads).isEqualTo(2);
    assertThat(in.isReadable()).isFalse();
    in.release();
  }

  @Test
  void everySplitOfAHeadGivesTheSameHead() {
    String raw = "DELETE /z HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nX: y\r\n\r\n";
    for (int cut = 0; cut <= raw.length(); cut++) {
      HeadParser p = new HeadParser(MAX_LINE, MAX_HEADERS);
      ByteBuf in = bytes(raw.substring(0, cut));
      int r = p.parseRequest(in);
      if (cut < raw.length()) {
        assertThat(r).as("cut %d", cut).isEqualTo(HeadParser.INCOMPLETE);
        in.writeBytes(raw.substring(cut).getBytes(StandardCharsets.ISO_8859_1));
        r = p.parseRequest(in);
      }
      assertThat(r).isEqualTo(HeadParser.DONE);
      RequestHead h = p.takeRequest();
      assertThat(h.count()).isEqualTo(3);
      assertThat(h.value(2)).isEqualTo("y");
      h.release();
      in.release();
    }
  }

  static Stream<Arguments> responses() {
    return Stream.of(
        Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", false, "LENGTH", true),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, "CHUNKED", true),
        Arguments.of("HTTP/1.1 200 OK\r\nX: 1\r\n\r\n", false, "UNTIL_CLOSE", false),
        Arguments.of("HTTP/1.1 200\r\nContent-Length: 3\r\n\r\n", true, "NONE", true),
        Arguments.of("HTTP/1.1 204 No Content\r\n\r\n", false, "NONE", true),
        Arguments.of("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", false, "NONE", true),
        Arguments.of("HTTP/1.1 100 Continue\r\n\r\n", false, "NONE", true),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n",
            false,
            "LENGTH",
            false),
        Arguments.of("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n", false, "LENGTH", false),
        Arguments.of(
            "HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: Keep-Alive\r\n\r\n",
            false,
            "LENGTH",
            true),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
            false,
            "LENGTH",
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("responses")
  void responsesAreFramedPerRfc9112(
      String raw, boolean headRequest, String framing, boolean keepAlive) {
    ByteBuf in = bytes(raw);
    HeadParser p = new HeadParser(0, MAX_HEADERS);
    assertThat(p.parseResponse(in, headRequest)).isEqualTo(HeadParser.DONE);
    ResponseHead h = p.takeResponse();
    assertThat(h.framing().name()).isEqualTo(framing);
    assertThat(h.keepAlive()).isEqualTo(keepAlive);
    assertThat(in.isReadable()).isFalse();
    h.release();
    in.release();
  }

  static Stream<String> malformedResponses() {
    return Stream.of(
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 099 Odd\r\n\r\n",
        "HTTP/1.1 200 OK\nX: 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX : 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: " + "a".repeat(2 * MAX_HEADERS) + "\r\n\r\n",
        "\n\r\nHTTP/1.1 200 OK\r\n\r\n",
        "\r\n\r\n",
        "HTTP/1.1 200 O\rX-Injected: 1\r\n\r\n");
  }

  @ParameterizedTest
  @MethodSource("malformedResponses")
  void malformedResponsesAreRefused(String raw) {
    ByteBuf in = bytes(raw);
    assertThat(new HeadParser(0, MAX_HEADERS).parseResponse(in, false))
        .isEqualTo(HeadParser.MALFORMED);
    in.release();
  }

  @Test
  void aResponsesConnectionListedHeadersAreKnown() {
    ByteBuf in = bytes("HTTP/1.1 200 OK\r\nConnection: X-Drop, close\r\nX-Drop: 1\r\n\r\n");
    HeadParser p = new HeadParser(0, MAX_HEADERS);
    assertThat(p.parseResponse(in, false)).isEqualTo(HeadParser.DONE);
    ResponseHead h = p.takeResponse();
    assertThat(h.connectionListsHeaders()).isTrue();
    assertThat(h.nameIs(1, "x-drop")).isTrue();
    assertThat(h.nameIs(1, "x-dro")).isFalse();
    h.release();
    in.release();
  }
}
