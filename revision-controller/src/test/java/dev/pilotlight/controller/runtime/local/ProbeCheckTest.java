package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.Protocol;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Probe checks: {@code exec} through the engine, and the {@code grpc} probe's {@code
 * grpc.health.v1.Health/Check} against a real HTTP/2 server (Netty's, speaking gRPC's framing by
 * hand): the service named {@code serving} is SERVING, {@code down} is NOT_SERVING, any other is
 * unknown (a trailers-only NOT_FOUND), as a gRPC health server answers.
 */
class ProbeCheckTest {
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
                                    s.pipeline().addLast(new HealthServer());
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

  /** A gRPC health server for one stream: reads the request message, answers by service name. */
  static final class HealthServer extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    String path;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame h) {
          path = h.headers().path().toString();
        } else if (msg instanceof Http2DataFrame d) {
          ByteBuf b = d.content();
          byte[] bytes = new byte[b.readableBytes()];
          b.readBytes(bytes);
          body.write(bytes, 0, bytes.length);
          if (d.isEndStream()) {
            answer(ctx);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    void answer(ChannelHandlerContext ctx) {
      byte[] b = body.toByteArray();
      String service = b.length > 7 ? new String(b, 7, b[6], StandardCharsets.UTF_8) : "";
      if (!path.equals("/grpc.health.v1.Health/Check") || !service.matches("serving|down|")) {
        ctx.writeAndFlush(
            new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                    .status("200")
                    .add("content-type", "application/grpc")
                    .add("grpc-status", "5"),
                true));
        return;
      }
      int status = service.equals("down") ? 2 : 1;
      ctx.write(
          new DefaultHttp2HeadersFrame(
              new DefaultHttp2Headers().status("200").add("content-type", "application/grpc")));
      ctx.write(
          new DefaultHttp2DataFrame(
              Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 2, 8, (byte) status})));
      ctx.writeAndFlush(
          new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0"), true));
    }
  }

  static ProbeCheck grpc(String service) {
    Probe p =
        new ProbeBuilder()
            .withNewGrpc()
            .withPort(8080)
            .withService(service)
            .endGrpc()
            .withTimeoutSeconds(5)
            .build();
    return ProbeCheck.of(p, Protocol.H2C, null, null);
  }

  @ParameterizedTest(name = "service \"{0}\": {1}")
  @CsvSource({"'', true", "serving, true", "down, false", "elsewhere, false"})
  void servingOnlyWhenTheHealthServiceSaysSo(String service, boolean serving) {
    ProbeCheck.Result r = grpc(service).check(port, Duration.ofSeconds(5));
    assertThat(r.ok()).isEqualTo(serving);
    assertThat(grpc(service).gatewayCanProbe()).isFalse();
  }

  @Test
  void nothingListeningIsAFailureWithTheReason() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    ProbeCheck.Result r = grpc("").check(closed, Duration.ofSeconds(1));
    assertThat(r.ok()).isFalse();
    assertThat(r.detail()).startsWith("gRPC health:");
  }

  @Test
  void theResponseMessageIsReadWhenWhole() {
    assertThat(H2cGet.healthStatus(new byte[] {0, 0, 0, 0, 2, 8})).isNull();
    assertThat(H2cGet.healthStatus(new byte[] {0, 0, 0, 0, 2, 8, 1})).isEqualTo(1);
    assertThat(H2cGet.healthStatus(new byte[] {0, 0, 0, 0, 0})).isEqualTo(0);
  }

  @Test
  void anExecProbeSucceedsOnExitCodeZeroOnly(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // a stand-in engine: `exec <container> <command...>` runs the command here
    java.nio.file.Path fake = dir.resolve("podman");
    java.nio.file.Files.writeString(fake, "#!/bin/sh\nshift 2\nexec \"$@\"\n");
    fake.toFile().setExecutable(true);
    ContainerEngine engine = new ContainerEngine(fake, "podman");
    Probe ok = new ProbeBuilder().withNewExec().withCommand("true").endExec().build();
    Probe failing =
        new ProbeBuilder().withNewExec().withCommand("sh", "-c", "exit 3").endExec().build();
    assertThat(ProbeCheck.of(ok, Protocol.HTTP1, engine, "c").check(0, Duration.ofSeconds(1)).ok())
        .isTrue();
    ProbeCheck.Result r =
        ProbeCheck.of(failing, Protocol.HTTP1, engine, "c").check(0, Duration.ofSeconds(1));
    assertThat(r.ok()).isFalse();
    assertThat(r.detail()).isEqualTo("exec exited with code 3");
  }

  @Test
  void anExecProbeRunsThroughTheEngineInTheContainer() {
    Probe p = new ProbeBuilder().withNewExec().withCommand("cat", "/tmp/ready").endExec().build();
    ProbeCheck c =
        ProbeCheck.of(
            p,
            Protocol.HTTP1,
            new ContainerEngine(java.nio.file.Path.of("/usr/bin/podman"), "podman"),
            "pilotlight-x-1-4000");
    assertThat(c.execCommand())
        .containsExactly("/usr/bin/podman", "exec", "pilotlight-x-1-4000", "cat", "/tmp/ready");
    assertThat(c.spawns()).isTrue();
    assertThat(c.gatewayCanProbe()).isFalse();
  }
}
