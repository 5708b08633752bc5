package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.Protocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The h2c readiness GET against a real HTTP/2-only server (Netty's), which answers {@code /NNN}
 * with status NNN: static-table entries (200, 404) and literals (201, 302, 307, 410, 503). Netty
 * never Huffman-codes such short values, so the Huffman-coded {@code :status} literals other
 * encoders may send are checked on hand-made header blocks.
 */
class H2cGetTest {
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  Channel server;
  int port;

  @BeforeEach
  void start() throws Exception {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(Http2FrameCodecBuilder.forServer().build())
                        .addLast(
                            new Http2MultiplexHandler(
                                new ChannelInitializer<Http2StreamChannel>() {
                                  @Override
                                  protected void initChannel(Http2StreamChannel s) {
                                    s.pipeline()
                                        .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                                        .addLast(new StatusApp());
                                  }
                                }));
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  @AfterEach
  void stop() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** Answers {@code /NNN} with status NNN and no body. */
  static final class StatusApp extends SimpleChannelInboundHandler<HttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest r) {
      int code = Integer.parseInt(r.uri().substring(1));
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), Unpooled.EMPTY_BUFFER));
    }
  }

  static ReadinessCheck check(String path, Protocol protocol) {
    return new ReadinessCheck(path, 1, 3, Duration.ofSeconds(5), protocol);
  }

  @ParameterizedTest
  @CsvSource({
    "/200, true",
    "/201, true",
    "/302, true",
    "/307, true",
    "/404, false",
    "/410, false",
    "/503, false"
  })
  void readyOnlyOn2xxAnd3xx(String path, boolean ready) {
    assertThat(check(path, Protocol.H2C).check(port, Duration.ofSeconds(5))).isEqualTo(ready);
  }

  @ParameterizedTest
  @CsvSource({
    // literal with incremental indexing, name :status (8), Huffman value (RFC 7541 appendix B)
    "48821003, true", // "201": 00010 00000 00001 + padding
    "48826402, true", // "302": 011001 00000 00010
    "48826820, false", // "410": 011010 00001 00000
    "20 88, true", // a dynamic table size update, then :status 200 from the static table
    "8d, false", // :status 404 from the static table
    "4103616263, false" // not :status (:authority first)
  })
  void huffmanCodedAndOtherStatusFields(String hex, boolean ready) {
    byte[] block = java.util.HexFormat.of().parseHex(hex.replace(" ", ""));
    assertThat(H2cGet.statusOk(block)).isEqualTo(ready);
  }

  @ParameterizedTest
  @CsvSource({"/200"})
  void anHttp1GetNeverSeesAnH2cOnlyInstanceReady(String path) {
    // why the probe must speak HTTP/2 to an h2c port
    assertThat(check(path, Protocol.HTTP1).check(port, Duration.ofSeconds(5))).isFalse();
  }
}
