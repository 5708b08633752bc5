package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The codec path's head rewriting: hop-by-hop headers go, but a request's framing is what the
 * gateway decoded it by, whatever {@code Connection} names (a body sent upstream without its
 * framing becomes a request of its own: request smuggling).
 */
class HeadersTest {
  private static final Headers.ClientAddress CLIENT =
      Headers.ClientAddress.of(new InetSocketAddress("127.0.0.1", 40000));

  private static HttpRequest request(HttpVersion version, Map<String, String> headers) {
    HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    headers.forEach(h::add);
    return new DefaultHttpRequest(version, HttpMethod.POST, "/x", h);
  }

  @ParameterizedTest(name = "Connection: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Content-Length",
        "keep-alive, Content-Length",
        "content-length",
        "Upgrade, Content-Length",
        "close, Content-Length, Host",
      })
  void aLengthNamedInConnectionStaysWithTheBody(String connection) {
    HttpRequest in =
        request(
            HttpVersion.HTTP_1_1,
            Map.of("Host", "a.example", "Connection", connection, "Content-Length", "58"));
    HttpRequest out = Headers.upstreamRequest(in, "/x", CLIENT, "a.example", null);
    assertThat(out.headers().getAll("Content-Length")).containsExactly("58");
    assertThat(out.headers().getAll("Host")).containsExactly("a.example");
    assertThat(out.headers().contains("Transfer-Encoding")).isFalse();
    assertThat(out.headers().contains("Connection")).isFalse();
  }

  @Test
  void anHttp10KeepAliveRequestKeepsItsLength() {
    HttpRequest in =
        request(
            HttpVersion.HTTP_1_0,
            Map.of(
                "Host",
                "a.example",
                "connection",
                "keep-alive, content-length",
                "content-length",
                "5"));
    HttpRequest out = Headers.upstreamRequest(in, "/x", CLIENT, "a.example", null);
    assertThat(out.headers().get("Content-Length")).isEqualTo("5");
    assertThat(out.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
  }

  @Test
  void anUpgradeListingTheLengthKeepsItAndItsUpgrade() {
    HttpRequest in =
        request(
            HttpVersion.HTTP_1_1,
            Map.of(
                "Host", "a.example",
                "Connection", "Upgrade, Content-Length",
                "Upgrade", "websocket",
                "Content-Length", "58"));
    HttpRequest out = Headers.upstreamRequest(in, "/x", CLIENT, "a.example", "websocket");
    assertThat(out.headers().get("Content-Length")).isEqualTo("58");
    assertThat(out.headers().get("Upgrade")).isEqualTo("websocket");
    assertThat(out.headers().get("Connection")).isEqualToIgnoringCase("upgrade");
  }

  @Test
  void aChunkedBodyStaysChunkedWhateverConnectionNames() {
    HttpRequest in =
        request(
            HttpVersion.HTTP_1_1,
            Map.of(
                "Host",
                "a.example",
                "Connection",
                "Transfer-Encoding",
                "Transfer-Encoding",
                "chunked"));
    HttpRequest out = Headers.upstreamRequest(in, "/x", CLIENT, "a.example", null);
    assertThat(out.headers().get("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(out.headers().contains("Content-Length")).isFalse();
  }

  @Test
  void otherHeadersNamedInConnectionAreDropped() {
    HttpRequest in =
        request(
            HttpVersion.HTTP_1_1,
            Map.of(
                "Host",
                "a.example",
                "Connection",
                "X-Drop, Content-Length",
                "X-Drop",
                "1",
                "Content-Length",
                "3"));
    HttpRequest out = Headers.upstreamRequest(in, "/x", CLIENT, "a.example", null);
    assertThat(out.headers().contains("X-Drop")).isFalse();
    assertThat(out.headers().get("Content-Length")).isEqualTo("3");
  }

  @Test
  void aResponseLengthNamedInConnectionStays() {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    r.headers().add("Connection", "Content-Length").add("Content-Length", "4");
    Headers.downstreamResponse(
        r,
        new dev.pilotlight.api.spi.RevisionKey("default", "r"),
        new dev.pilotlight.api.spi.Endpoint(
            "i", "127.0.0.1", 1, dev.pilotlight.api.spi.InstanceClass.STANDARD),
        0,
        false);
    assertThat(r.headers().get("Content-Length")).isEqualTo("4");
    assertThat(r.headers().contains("Transfer-Encoding")).isFalse();
  }
}
