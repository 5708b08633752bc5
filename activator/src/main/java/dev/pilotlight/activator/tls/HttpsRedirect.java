package dev.pilotlight.activator.tls;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The plain port under Knative's {@code http-protocol: Redirected}: every request is answered
 * {@code 301 Moved Permanently} to the same host and target over {@code https} (the port left out
 * when it is 443), and nothing is proxied. A request without a usable {@code Host} gets 400. Bounds
 * as on the proxying port: request line 8 KiB, header block 16 KiB; a connection idle for {@value
 * #IDLE_SECONDS} s is closed.
 */
public final class HttpsRedirect extends ChannelInitializer<SocketChannel> {
  static final int IDLE_SECONDS = 75;
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}");

  private final int httpsPort;

  /**
   * @param httpsPort the port clients reach the TLS port on (e.g. the Service's 443)
   */
  public HttpsRedirect(int httpsPort) {
    this.httpsPort = httpsPort;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
        .addLast(
            new HttpServerCodec(
                new HttpDecoderConfig()
                    .setMaxInitialLineLength(8 * 1024)
                    .setMaxHeaderSize(16 * 1024)))
        .addLast(new Redirect(httpsPort));
  }

  /** The {@code Location} for a request, or null when its host is unusable. */
  static String location(String hostHeader, String target, int httpsPort) {
    if (hostHeader == null) {
      return null;
    }
    String host = hostHeader.trim();
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    if (!HOST.matcher(host).matches()) {
      return null;
    }
    String path = target.startsWith("/") ? target : "/";
    return "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + path;
  }

  private static final class Redirect extends SimpleChannelInboundHandler<HttpObject> {
    private final int httpsPort;

    Redirect(int httpsPort) {
      this.httpsPort = httpsPort;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg.decoderResult().isFailure()) {
        respond(ctx, HttpResponseStatus.BAD_REQUEST, null, false);
        return;
      }
      if (!(msg instanceof HttpRequest req)) {
        return; // a body: dropped
      }
      String location = location(req.headers().get(HttpHeaderNames.HOST), req.uri(), httpsPort);
      if (location == null) {
        respond(ctx, HttpResponseStatus.BAD_REQUEST, null, false);
      } else {
        respond(ctx, HttpResponseStatus.MOVED_PERMANENTLY, location, HttpUtil.isKeepAlive(req));
      }
    }

    private static void respond(
        ChannelHandlerContext ctx, HttpResponseStatus status, String location, boolean keepAlive) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
      if (location != null) {
        r.headers().set(HttpHeaderNames.LOCATION, location);
      }
      if (!keepAlive) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      var f = ctx.writeAndFlush(r);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
