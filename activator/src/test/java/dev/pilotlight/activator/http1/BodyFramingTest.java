package dev.pilotlight.activator.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Where bodies end, whole or byte by byte, and which chunk framing is refused. */
class BodyFramingTest {
  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** Scans {@code raw} fed in pieces of {@code step} bytes; returns body bytes, data, or null. */
  private static String[] scan(BodyFraming f, String raw, int step) {
    ByteBuf in = Unpooled.buffer();
    StringBuilder data = new StringBuilder();
    int body = 0;
    byte[] all = raw.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < all.length && !f.done(); i += step) {
      in.writeBytes(all, i, Math.min(step, all.length - i));
      int n =
          f.scan(
              in,
              in.readerIndex(),
              in.writerIndex(),
              (index, length) ->
                  data.append(in.toString(index, length, StandardCharsets.ISO_8859_1)));
      if (n == BodyFraming.MALFORMED) {
        in.release();
        return null;
      }
      in.skipBytes(n);
      body += n;
    }
    in.release();
    return new String[] {raw.substring(0, body), data.toString()};
  }

  @Test
  void aChunkedBodyEndsAfterItsTrailersWhateverTheSplit() {
    String body = "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n";
    for (int step = 1; step <= body.length(); step++) {
      BodyFraming f = new BodyFraming(BodyFraming.Mode.CHUNKED, 0);
      String[] r = scan(f, body + "GET / HTTP/1.1\r\n", step);
      assertThat(r).as("step %d", step).isNotNull();
      assertThat(f.done()).isTrue();
      assertThat(r[0]).isEqualTo(body);
      assertThat(r[1]).isEqualTo("Wikipedia in\r\n\r\nchunks.");
    }
  }

  @Test
  void aLengthBodyEndsAtItsLength() {
    BodyFraming f = new BodyFraming(BodyFraming.Mode.LENGTH, 5);
    String[] r = scan(f, "helloGET", 2);
    assertThat(f.done()).isTrue();
    assertThat(r[0]).isEqualTo("hello");
    assertThat(new BodyFraming(BodyFraming.Mode.LENGTH, 0).done()).isTrue();
    assertThat(new BodyFraming(BodyFraming.Mode.NONE, 0).done()).isTrue();
  }

  @Test
  void aBodyUntilCloseNeverEndsByItself() {
    BodyFraming f = new BodyFraming(BodyFraming.Mode.UNTIL_CLOSE, 0);
    String[] r = scan(f, "anything\r\n0\r\n\r\n", 3);
    assertThat(f.done()).isFalse();
    assertThat(r[1]).isEqualTo("anything\r\n0\r\n\r\n");
  }

  static Stream<String> malformedChunks() {
    return Stream.of(
        "x\r\nabc\r\n0\r\n\r\n", // not hex
        "\r\n0\r\n\r\n", // no size
        "3\nabc\r\n0\r\n\r\n", // bare LF after the size
        "3\r\nabcX\r\n0\r\n\r\n", // data longer than its size
        "3\r\nabc\n0\r\n\r\n", // bare LF after the data
        "3 x\r\nabc\r\n0\r\n\r\n", // junk after the size
        "-3\r\nabc\r\n0\r\n\r\n", // signed
        "1000000000000000\r\n", // too large
        "3;a\0b\r\nabc\r\n0\r\n\r\n", // control byte in an extension
        "0\r\nX-T 1\r\n\r\n", // trailer without a colon
        "0\r\nX-T: 1\n\r\n", // bare LF in the trailers
        "0\r\n" + "X: " + "a".repeat(BodyFraming.MAX_LINE) + "\r\n\r\n", // trailer line too long
        "1" + "0".repeat(BodyFraming.MAX_LINE)); // size line too long
  }

  @ParameterizedTest
  @MethodSource("malformedChunks")
  void malformedChunkFramingIsRefused(String raw) {
    assertThat(scan(new BodyFraming(BodyFraming.Mode.CHUNKED, 0), raw, raw.length())).isNull();
    assertThat(scan(new BodyFraming(BodyFraming.Mode.CHUNKED, 0), raw, 1)).isNull();
  }
}
