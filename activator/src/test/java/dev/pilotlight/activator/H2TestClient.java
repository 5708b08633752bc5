package dev.pilotlight.activator;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/2 client with prior knowledge, for tests: one connection, a stream per request,
 * the response's status, headers, trailers, length and SHA-256 (and the body itself when small).
 */
final class H2TestClient implements AutoCloseable {
  private static final int KEEP_BODY = 1024 * 1024;
  private static final int CHUNK = 64 * 1024;

  record Reply(
      int status,
      HttpHeaders headers,
      HttpHeaders trailers,
      long length,
      String sha256,
      byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final Channel connection;

  H2TestClient(int port) throws InterruptedException {
    this(port, null, null);
  }

  /** Over TLS when {@code tls} is given, with {@code serverName} as SNI. */
  H2TestClient(int port, io.netty.handler.ssl.SslContext tls, String serverName)
      throws InterruptedException {
    connection =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc(), serverName, port));
                    }
                    ch.pipeline()
                        // sends what it is told, even past the server's header list limit
                        .addLast(
                            Http2FrameCodecBuilder.forClient()
                                .encoderIgnoreMaxHeaderListSize(true)
                                .build())
                        .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** Sends a request on a new stream; {@code body} null: no body (one HEADERS frame). */
  CompletableFuture<Reply> send(String method, String authority, String path, byte[] body) {
    return send(method, authority, path, body, Map.of());
  }

  /** The same with extra request headers. */
  CompletableFuture<Reply> send(
      String method, String authority, String path, byte[] body, Map<String, String> headers) {
    CompletableFuture<Reply> result = new CompletableFuture<>();
    new Http2StreamChannelBootstrap(connection)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline()
                    .addLast(new Http2StreamFrameToHttpObjectCodec(false))
                    .addLast(new ReplyHandler(result));
              }
            })
        .open()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
              }
              Http2StreamChannel s = (Http2StreamChannel) f.getNow();
              HttpMethod m = HttpMethod.valueOf(method);
              if (body == null) {
                HttpRequest r =
                    new DefaultFullHttpRequest(
                        HttpVersion.HTTP_1_1, m, path, Unpooled.EMPTY_BUFFER);
                r.headers().set(HttpHeaderNames.HOST, authority);
                headers.forEach(r.headers()::set);
                s.writeAndFlush(r);
                return;
              }
              HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, m, path);
              head.headers().set(HttpHeaderNames.HOST, authority);
              headers.forEach(head.headers()::set);
              s.write(head);
              writeBody(s, body, 0);
            });
    return result;
  }

  /** One chunk at a time, the next when the previous was written (HTTP/2 flow control). */
  private static void writeBody(Channel s, byte[] body, int from) {
    int n = Math.min(CHUNK, body.length - from);
    boolean last = from + n == body.length;
    HttpContent c =
        last
            ? new DefaultLastHttpContent(Unpooled.wrappedBuffer(body, from, n))
            : new DefaultHttpContent(Unpooled.wrappedBuffer(body, from, n));
    s.writeAndFlush(c)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess() && !last) {
                    writeBody(s, body, from + n);
                  }
                });
  }

  private static final class ReplyHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final CompletableFuture<Reply> result;
    private final MessageDigest digest;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private int status;
    private HttpHeaders headers;
    private long length;

    ReplyHandler(CompletableFuture<Reply> result) {
      this.result = result;
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse r) {
        if (r.status().code() < 200) {
          return;
        }
        status = r.status().code();
        headers = r.headers().copy();
      }
      if (msg instanceof HttpContent c) {
        byte[] b = ByteBufUtil.getBytes(c.content());
        digest.update(b);
        length += b.length;
        if (kept.size() < KEEP_BODY) {
          kept.write(b, 0, Math.min(b.length, KEEP_BODY - kept.size()));
        }
      }
      if (msg instanceof LastHttpContent last && headers != null) {
        result.complete(
            new Reply(
                status,
                headers,
                last.trailingHeaders().copy(),
                length,
                HexFormat.of().formatHex(digest.digest()),
                kept.toByteArray()));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new IOException("stream closed before the response ended"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }
  }

  @Override
  public void close() {
    connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
