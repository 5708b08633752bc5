package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
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
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming data plane over real sockets, against a Netty app that streams: bodies larger than
 * any buffer both ways, keep-alive reuse, WebSocket, retries on a dead instance, timeouts, the
 * no-open-proxy rule and drain on close.
 */
class GatewayStreamingIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey REV = new RevisionKey("default", "app-00001");
  static final RevisionKey WS = new RevisionKey("default", "ws-00001");
  static final String HOST = "app.default.localhost";

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final Set<Integer> upstreamClientPorts = ConcurrentHashMap.newKeySet();
  // HTTP/1.1 on purpose: the JDK client would otherwise upgrade to h2c (GatewayH2IT covers that)
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  Channel app;
  Channel wsApp;
  Gateway gateway;
  int port;

  final StatSink sink =
      new StatSink() {
        @Override
        public void report(Collection<StatRecord> batch) {}

        @Override
        public void poke(RevisionKey revision) {}
      };

  /**
   * /echo streams the request body back (chunked); /big?N streams N bytes; /stall never answers;
   * /drip sends the head and then nothing; /until-close?N sends N bytes delimited by closing the
   * connection (no length, not chunked); anything else answers "ok".
   */
  static final class StreamingApp extends SimpleChannelInboundHandler<HttpObject> {
    private String path = "/";

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest r) {
        path = r.uri();
        if (path.equals("/echo")) {
          HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
          ctx.writeAndFlush(head);
        }
      }
      if (!(msg instanceof HttpContent c)) {
        return;
      }
      if (path.equals("/echo")) {
        ctx.writeAndFlush(
            c instanceof LastHttpContent
                ? new io.netty.handler.codec.http.DefaultLastHttpContent(c.content().retain())
                : new DefaultHttpContent(c.content().retain()));
        return;
      }
      if (!(c instanceof LastHttpContent)) {
        return;
      }
      if (path.equals("/stall")) {
        return;
      }
      if (path.equals("/slow")) {
        ctx.executor()
            .schedule(
                () -> {
                  HttpResponse head =
                      new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                  head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                  ctx.write(head);
                  ctx.writeAndFlush(
                      new io.netty.handler.codec.http.DefaultLastHttpContent(
                          Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII)));
                },
                500,
                TimeUnit.MILLISECONDS);
        return;
      }
      if (path.equals("/drip")) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 10);
        ctx.writeAndFlush(head);
        return;
      }
      if (path.startsWith("/until-close?")) {
        byte[] body = new byte[Integer.parseInt(path.substring("/until-close?".length()))];
        java.util.Arrays.fill(body, (byte) 'x');
        ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ctx.writeAndFlush(
                new io.netty.handler.codec.http.DefaultLastHttpContent(
                    Unpooled.wrappedBuffer(body)))
            .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        return;
      }
      if (path.startsWith("/big?")) {
        long n = Long.parseLong(path.substring(5));
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, n);
        ctx.write(head);
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = (byte) ('a' + i % 26);
        }
        writeChunks(ctx, chunk, n);
        return;
      }
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
      ctx.write(head);
      ctx.writeAndFlush(
          new io.netty.handler.codec.http.DefaultLastHttpContent(
              Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII)));
    }

    /** Writes n bytes, waiting for writability between chunks (the app's own backpressure). */
    private static void writeChunks(ChannelHandlerContext ctx, byte[] chunk, long left) {
      while (left > 0 && ctx.channel().isWritable()) {
        int len = (int) Math.min(chunk.length, left);
        left -= len;
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk, 0, len)));
      }
      if (left == 0) {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        return;
      }
      long rest = left;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(f -> ctx.executor().execute(() -> writeChunks(ctx, chunk, rest)));
    }
  }

  @BeforeEach
  void start() throws Exception {
    app =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    upstreamClientPorts.add(((InetSocketAddress) ch.remoteAddress()).getPort());
                    ch.pipeline().addLast(new HttpServerCodec()).addLast(new StreamingApp());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    wsApp =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(65536))
                        .addLast(new WebSocketServerProtocolHandler("/ws"))
                        .addLast(
                            new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                ctx.writeAndFlush(new TextWebSocketFrame("echo:" + f.text()));
                              }
                            });
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(10)),
            sink,
            Ticker.system());
    port = gateway.start();
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                HOST,
                new HostRoute("default", "app", List.of(new WeightedRevision(REV, 100))),
                "127.0.0.1",
                new HostRoute("default", "ws", List.of(new WeightedRevision(WS, 100))))));
    ready(Duration.ofSeconds(30), null, null, endpoint("a", app));
    gateway.onEndpoints(
        new RevisionEndpoints(WS, 0, Duration.ofSeconds(2), List.of(endpoint("w", wsApp))));
  }

  static Endpoint endpoint(String id, Channel server) {
    return new Endpoint(
        id,
        "127.0.0.1",
        ((InetSocketAddress) server.localAddress()).getPort(),
        InstanceClass.STANDARD);
  }

  void ready(Duration timeout, Duration responseStart, Duration idle, Endpoint... endpoints) {
    gateway.onEndpoints(
        new RevisionEndpoints(REV, 0, timeout, responseStart, idle, List.of(endpoints)));
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  java.net.http.HttpRequest.Builder request(String path) {
    return java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Host", HOST)
        .timeout(Duration.ofSeconds(60));
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void aLargeBodyStreamsBothWaysUnchanged() throws Exception {
    byte[] body = new byte[48 * 1024 * 1024]; // three times what the old aggregating proxy took
    new Random(7).nextBytes(body);
    java.net.http.HttpResponse<byte[]> r =
        client.send(
            request("/echo").POST(BodyPublishers.ofByteArray(body)).build(),
            BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().length).isEqualTo(body.length);
    assertThat(sha256(r.body())).isEqualTo(sha256(body));
  }

  @Test
  void aLargeResponseStreamsToASlowReaderAndTheConnectionIsReused() throws Exception {
    long n = 32L * 1024 * 1024;
    java.net.http.HttpResponse<InputStream> r =
        client.send(request("/big?" + n).build(), BodyHandlers.ofInputStream());
    long total = 0;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[8192];
      int k;
      while ((k = in.read(buf)) >= 0) {
        total += k;
      }
    }
    assertThat(total).isEqualTo(n);
    for (int i = 0; i < 5; i++) {
      assertThat(client.send(request("/").build(), BodyHandlers.ofString()).body()).isEqualTo("ok");
    }
    // one client connection, requests one after another: one upstream connection, kept alive
    assertThat(upstreamClientPorts).hasSize(1);
  }

  @Test
  void aResponseEndedByItsConnectionIsChunkedSoTheClientsConnectionStays() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      java.io.BufferedInputStream in = new java.io.BufferedInputStream(s.getInputStream());
      for (int n : new int[] {0, 5, 70_000}) {
        s.getOutputStream()
            .write(
                ("GET /until-close?" + n + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        String line;
        while (!(line = line(in)).isEmpty()) {
          head.append(line).append('\n');
        }
        assertThat(head.toString())
            .startsWith("HTTP/1.1 200")
            .containsIgnoringCase("transfer-encoding: chunked")
            .doesNotContainIgnoringCase("connection: close");
        int total = 0;
        int size;
        while ((size = Integer.parseInt(line(in), 16)) > 0) {
          for (int i = 0; i < size; i++) {
            assertThat(in.read()).isEqualTo('x');
          }
          total += size;
          assertThat(line(in)).isEmpty();
        }
        assertThat(line(in)).isEmpty(); // no trailers
        assertThat(total).isEqualTo(n);
      }
    }
  }

  /** One CRLF-terminated line, without its CRLF. */
  private static String line(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      assertThat(c).isNotNegative();
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @Test
  void aChunkedRequestOfUnknownLengthIsStreamed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      String req =
          "POST /echo HTTP/1.1\r\nHost: "
              + HOST
              + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(all).startsWith("HTTP/1.1 200").contains("hello").contains(" world");
    }
  }

  @Test
  void aWebSocketIsTunnelledAndOutlivesTheRequestTimeout() throws Exception {
    // the JDK client sends Host: 127.0.0.1:PORT, routed to the WebSocket app
    List<CompletableFuture<String>> replies =
        List.of(new CompletableFuture<>(), new CompletableFuture<>());
    StringBuilder text = new StringBuilder();
    int[] n = {0};
    WebSocket ws =
        client
            .newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      replies.get(n[0]++).complete(text.toString());
                      text.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    ws.sendText("hello", true);
    assertThat(replies.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
    // the WebSocket revision's request timeout is 2 s: a message after 3 s still goes through
    CompletableFuture.runAsync(
            () -> ws.sendText("later", true),
            CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS))
        .get(10, TimeUnit.SECONDS);
    assertThat(replies.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("echo:later");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDeadInstanceIsSkippedByRetry() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ready(
        Duration.ofSeconds(30),
        null,
        null,
        new Endpoint("dead", "127.0.0.1", closedPort, InstanceClass.STANDARD),
        endpoint("a", app));
    for (int i = 0; i < 20; i++) {
      java.net.http.HttpResponse<String> r =
          client.send(request("/").build(), BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void noResponseStartWithinTheLimitIs504() throws Exception {
    ready(Duration.ofSeconds(30), Duration.ofSeconds(1), null, endpoint("a", app));
    java.net.http.HttpResponse<String> r =
        client.send(request("/stall").build(), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("upstream timed out");
  }

  @Test
  void aResponseThatGoesIdleIsCutAfterItsHead() throws Exception {
    ready(Duration.ofSeconds(30), null, Duration.ofSeconds(1), endpoint("a", app));
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream()
          .write(
              ("GET /drip HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      // the head arrives, then the gateway closes the connection: the body cannot complete
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(all).startsWith("HTTP/1.1 200").contains("content-length: 10");
    }
    assertThat(gateway.metrics().aborted()).isEqualTo(1);
  }

  @Test
  void itIsNotAnOpenProxy() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"
                      + "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
                      + "GET http://"
                      + HOST
                      + "/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      int notFound = all.indexOf("HTTP/1.1 404");
      int notAllowed = all.indexOf("HTTP/1.1 405");
      int served = all.indexOf("HTTP/1.1 200");
      assertThat(notFound).as(all).isZero();
      assertThat(notAllowed).as(all).isGreaterThan(notFound);
      // absolute-form naming a route is served, by its authority, whatever the Host header says
      assertThat(served).as(all).isGreaterThan(notAllowed);
      assertThat(all).contains("no route for host \"example.com\"").endsWith("ok");
    }
  }

  @Test
  void closeLetsARequestInFlightFinish() throws Exception {
    CompletableFuture<java.net.http.HttpResponse<String>> slow =
        client.sendAsync(request("/slow").build(), BodyHandlers.ofString());
    dev.pilotlight.testkit.Await.until(
        "the request in flight", Duration.ofSeconds(10), () -> gateway.metrics().inFlight() == 1);
    CompletableFuture<Void> closed = CompletableFuture.runAsync(gateway::close);
    java.net.http.HttpResponse<String> r = slow.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
    closed.get(30, TimeUnit.SECONDS);
  }
}
