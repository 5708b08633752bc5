package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
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
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 cleartext over real sockets: HTTP/2 clients (prior knowledge, and the JDK client's {@code
 * Upgrade: h2c}) through the gateway to an HTTP/1.1 app; a gRPC client through the gateway to a
 * gRPC app whose port is h2c (unary, server streaming, error statuses, i.e. trailers); an HTTP/1.1
 * client to the gRPC app gets the trailers as chunked trailers.
 */
class GatewayH2IT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey APP = new RevisionKey("default", "app-00001");
  static final RevisionKey GRPC = new RevisionKey("default", "grpc-00001");
  static final String HOST = "app.default.localhost";
  static final String GRPC_HOST = "grpc.default.localhost";
  static final Duration WAIT = Duration.ofSeconds(30);

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  Channel app;
  Server grpcApp;
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
   * An HTTP/1.1 app: /echo streams the request body back (chunked); /headers answers the request's
   * header lines; /trailers answers chunked with a trailer; anything else answers "ok".
   */
  static final class App extends SimpleChannelInboundHandler<HttpObject> {
    private String path = "/";
    private HttpRequest request;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest r) {
        request = r;
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
                ? new DefaultLastHttpContent(c.content().retain())
                : new DefaultHttpContent(c.content().retain()));
        return;
      }
      if (!(c instanceof LastHttpContent)) {
        return;
      }
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      if (path.equals("/trailers")) {
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.write(head);
        LastHttpContent last =
            new DefaultLastHttpContent(Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII));
        last.trailingHeaders().set("x-checksum", "abc123");
        ctx.writeAndFlush(last);
        return;
      }
      StringBuilder text = new StringBuilder();
      if (path.equals("/headers")) {
        request
            .headers()
            .forEach(e -> text.append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
      } else {
        text.append("ok");
      }
      byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
      head.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
      ctx.write(head);
      ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)));
    }
  }

  // --- a gRPC app, with a hand-written method descriptor and a String marshaller (no protoc) ---

  static final MethodDescriptor.Marshaller<String> UTF8 =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** Answers "hello NAME"; a name starting with "fail" gets INVALID_ARGUMENT (trailers only). */
  static final MethodDescriptor<String, String> SAY =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Echo/Say")
          .setRequestMarshaller(UTF8)
          .setResponseMarshaller(UTF8)
          .build();

  /** "N" streams N messages then OK; "N!" streams N messages then RESOURCE_EXHAUSTED. */
  static final MethodDescriptor<String, String> COUNT =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName("test.Echo/Count")
          .setRequestMarshaller(UTF8)
          .setResponseMarshaller(UTF8)
          .build();

  static ServerServiceDefinition echoService() {
    return ServerServiceDefinition.builder("test.Echo")
        .addMethod(
            SAY,
            ServerCalls.asyncUnaryCall(
                (name, out) -> {
                  if (name.startsWith("fail")) {
                    out.onError(
                        Status.INVALID_ARGUMENT
                            .withDescription("refused: " + name)
                            .asRuntimeException());
                    return;
                  }
                  out.onNext("hello " + name);
                  out.onCompleted();
                }))
        .addMethod(
            COUNT,
            ServerCalls.asyncServerStreamingCall(
                (req, out) -> {
                  boolean fail = req.endsWith("!");
                  int n = Integer.parseInt(fail ? req.substring(0, req.length() - 1) : req);
                  for (int i = 0; i < n; i++) {
                    out.onNext("#" + i);
                  }
                  if (fail) {
                    out.onError(
                        Status.RESOURCE_EXHAUSTED
                            .withDescription("stopped after " + n)
                            .asRuntimeException());
                  } else {
                    out.onCompleted();
                  }
                }))
        .build();
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
                    ch.pipeline().addLast(new HttpServerCodec()).addLast(new App());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    grpcApp =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(echoService())
            .build()
            .start();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(10)),
            sink,
            Ticker.system());
    port = gateway.start();
    HostRoute appRoute = new HostRoute("default", "app", List.of(new WeightedRevision(APP, 100)));
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                HOST,
                appRoute,
                "127.0.0.1",
                appRoute,
                GRPC_HOST,
                new HostRoute("default", "grpc", List.of(new WeightedRevision(GRPC, 100))))));
    gateway.onEndpoints(
        new RevisionEndpoints(
            APP,
            0,
            Duration.ofSeconds(60),
            List.of(
                new Endpoint(
                    "a",
                    "127.0.0.1",
                    ((InetSocketAddress) app.localAddress()).getPort(),
                    InstanceClass.STANDARD))));
    gateway.onEndpoints(
        new RevisionEndpoints(
            GRPC,
            0,
            Duration.ofSeconds(60),
            List.of(
                new Endpoint(
                    "g", "127.0.0.1", grpcApp.getPort(), InstanceClass.STANDARD, Protocol.H2C))));
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (grpcApp != null) {
      grpcApp.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  // --- HTTP/2 with prior knowledge to an HTTP/1.1 app ---

  @Test
  void manyConcurrentStreamsOnOneConnection() throws Exception {
    try (H2TestClient client = new H2TestClient(port)) {
      List<CompletableFuture<H2TestClient.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        replies.add(client.send("GET", HOST, i % 2 == 0 ? "/" : "/headers", null));
      }
      for (int i = 0; i < replies.size(); i++) {
        H2TestClient.Reply r = replies.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("server-timing")).startsWith("hold;dur=");
        assertThat(r.headers().get("x-pilotlight-revision")).isEqualTo(APP.name());
        if (i % 2 == 0) {
          assertThat(r.text()).isEqualTo("ok");
        } else {
          // :authority became Host; the HTTP/2 conversion's own headers did not leak
          assertThat(r.text())
              .contains("host: " + HOST + "\n")
              .contains("X-Forwarded-Proto: http")
              .doesNotContainIgnoringCase("x-http2-");
        }
      }
      assertThat(client.connection.isActive()).isTrue();
    }
  }

  @Test
  void aLargeRequestBodyStreamsThroughFlowControlBothWays() throws Exception {
    // larger than the connection window as well as the stream window: flow control must re-open
    byte[] body = new byte[24 * 1024 * 1024];
    new Random(11).nextBytes(body);
    try (H2TestClient client = new H2TestClient(port)) {
      H2TestClient.Reply r =
          client.send("POST", HOST, "/echo", body).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.length()).isEqualTo(body.length);
      assertThat(r.sha256()).isEqualTo(sha256(body));
    }
  }

  @Test
  void anUnknownHostIs404OnItsStreamOnly() throws Exception {
    try (H2TestClient client = new H2TestClient(port)) {
      CompletableFuture<H2TestClient.Reply> unknown =
          client.send("GET", "nope.default.localhost", "/", null);
      CompletableFuture<H2TestClient.Reply> known = client.send("GET", HOST, "/", null);
      H2TestClient.Reply u = unknown.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(u.status()).isEqualTo(404);
      assertThat(u.text()).contains("no route for host \"nope.default.localhost\"");
      assertThat(known.get(WAIT.toSeconds(), TimeUnit.SECONDS).text()).isEqualTo("ok");
      // the connection outlives the refused stream and serves the next one
      assertThat(client.connection.isActive()).isTrue();
      assertThat(
              client.send("GET", HOST, "/", null).get(WAIT.toSeconds(), TimeUnit.SECONDS).status())
          .isEqualTo(200);
    }
  }

  @Test
  void trailersOfAnHttp1AppReachAnHttp2Client() throws Exception {
    try (H2TestClient client = new H2TestClient(port)) {
      H2TestClient.Reply r =
          client.send("GET", HOST, "/trailers", null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("body");
      assertThat(r.trailers().get("x-checksum")).isEqualTo("abc123");
    }
  }

  @Test
  void aHeldStreamIsAnsweredWhenAnInstanceIsReady() throws Exception {
    RevisionKey cold = new RevisionKey("default", "cold-00001");
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                "cold.default.localhost",
                new HostRoute("default", "cold", List.of(new WeightedRevision(cold, 100))))));
    gateway.onEndpoints(new RevisionEndpoints(cold, 0, Duration.ofSeconds(60), List.of()));
    try (H2TestClient client = new H2TestClient(port)) {
      CompletableFuture<H2TestClient.Reply> held =
          client.send("GET", "cold.default.localhost", "/", null);
      dev.pilotlight.testkit.Await.until(
          "the stream held", WAIT, () -> gateway.metrics().inFlight() == 1);
      assertThat(held).isNotDone();
      gateway.onEndpoints(
          new RevisionEndpoints(
              cold,
              0,
              Duration.ofSeconds(60),
              List.of(
                  new Endpoint(
                      "a",
                      "127.0.0.1",
                      ((InetSocketAddress) app.localAddress()).getPort(),
                      InstanceClass.STANDARD))));
      assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).text()).isEqualTo("ok");
    }
  }

  // --- Upgrade: h2c (the JDK client's way to HTTP/2 on http://) ---

  static HttpClient jdkH2cClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void theJdkClientUpgradesToH2c() throws Exception {
    HttpClient client = jdkH2cClient();
    URI uri = URI.create("http://127.0.0.1:" + port + "/");
    // the first request carries the upgrade; the ones after it go over HTTP/2
    for (int i = 0; i < 3; i++) {
      java.net.http.HttpResponse<String> r =
          client.send(
              java.net.http.HttpRequest.newBuilder(uri).timeout(WAIT).build(),
              BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("ok");
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
    byte[] body = new byte[3 * 1024 * 1024];
    new Random(5).nextBytes(body);
    java.net.http.HttpResponse<byte[]> echoed =
        client.send(
            java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
                .timeout(WAIT)
                .POST(BodyPublishers.ofByteArray(body))
                .build(),
            BodyHandlers.ofByteArray());
    assertThat(echoed.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(sha256(echoed.body())).isEqualTo(sha256(body));
  }

  @Test
  void anH2cUpgradeAfterTheFirstRequestIsIgnoredAndNotForwarded() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) WAIT.toMillis());
      String first = "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
      String second =
          "GET /headers HTTP/1.1\r\nHost: "
              + HOST
              + "\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\n"
              + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";
      s.getOutputStream().write((first + second).getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      // both answered over HTTP/1.1; the upgrade concerned the hop to the gateway only
      assertThat(all).startsWith("HTTP/1.1 200").doesNotContain("101 Switching");
      String headersSeen = all.substring(all.indexOf("HTTP/1.1 200", 1));
      assertThat(headersSeen)
          .contains("Host: " + HOST)
          .doesNotContainIgnoringCase("upgrade")
          .doesNotContainIgnoringCase("http2-settings");
    }
  }

  @Test
  void aHostHeaderThatDiffersFromTheAuthorityIs400OnItsStream() throws Exception {
    // the JDK client told to send a Host of its own: over HTTP/1.1 (the upgrade request) that is
    // the route; over HTTP/2 it comes beside the client's ':authority', a malformed request
    HttpClient client = jdkH2cClient();
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Host", HOST)
            .timeout(WAIT)
            .build();
    java.net.http.HttpResponse<String> upgrade = client.send(request, BodyHandlers.ofString());
    assertThat(upgrade.statusCode()).isEqualTo(200);
    java.net.http.HttpResponse<String> r = client.send(request, BodyHandlers.ofString());
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("malformed request: ").containsIgnoringCase("host");
  }

  @Test
  void anHttp2HeaderListOverTheLimitIs431OnItsStream() throws Exception {
    try (H2TestClient client = new H2TestClient(port)) {
      H2TestClient.Reply r =
          client
              .send("GET", HOST, "/", null, Map.of("x-big", "x".repeat(20_000)))
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(431);
      assertThat(client.send("GET", HOST, "/", null).get(WAIT.toSeconds(), TimeUnit.SECONDS).text())
          .isEqualTo("ok");
    }
  }

  @Test
  void anH2cUpgradeWithABodyTooLargeToBufferIsServedOverHttp1() throws Exception {
    int size = 200 * 1024;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) WAIT.toMillis());
      String head =
          "POST /echo HTTP/1.1\r\nHost: "
              + HOST
              + "\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\n"
              + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nContent-Length: "
              + size
              + "\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(new byte[size]);
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all).startsWith("HTTP/1.1 200").doesNotContain("101");
    }
  }

  // --- gRPC through the gateway to an h2c instance ---

  ManagedChannel grpcChannel() {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext()
        .overrideAuthority(GRPC_HOST)
        .build();
  }

  static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void grpcUnaryCallsWork() throws Exception {
    ManagedChannel ch = grpcChannel();
    try {
      for (int i = 0; i < 5; i++) {
        assertThat(ClientCalls.blockingUnaryCall(ch, SAY, deadline(), "world " + i))
            .isEqualTo("hello world " + i);
      }
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void grpcErrorStatusAndMessageArriveInTrailers() throws Exception {
    ManagedChannel ch = grpcChannel();
    try {
      // trailers only: the status is in the one HEADERS frame that ends the stream
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(ch, SAY, deadline(), "fail me"))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).isEqualTo("refused: fail me");
              });
      // messages, then the status in trailers after them
      Iterator<String> it = ClientCalls.blockingServerStreamingCall(ch, COUNT, deadline(), "3!");
      List<String> got = new ArrayList<>();
      assertThatThrownBy(
              () -> {
                while (it.hasNext()) {
                  got.add(it.next());
                }
              })
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription()).isEqualTo("stopped after 3");
              });
      assertThat(got).containsExactly("#0", "#1", "#2");
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void grpcServerStreamingWorksAndCallsShareConnections() throws Exception {
    ManagedChannel ch = grpcChannel();
    try {
      List<String> got = new ArrayList<>();
      ClientCalls.blockingServerStreamingCall(ch, COUNT, deadline(), "200")
          .forEachRemaining(got::add);
      assertThat(got).hasSize(200).startsWith("#0", "#1").endsWith("#199");
      // concurrent calls: streams on the gateway's connection(s) to the instance
      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String name = "n" + i;
        calls.add(
            CompletableFuture.supplyAsync(
                () -> ClientCalls.blockingUnaryCall(ch, SAY, deadline(), name)));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hello n" + i);
      }
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anHttp1ClientGetsAnH2cInstancesTrailersAsChunkedTrailers() throws Exception {
    byte[] message = "world".getBytes(StandardCharsets.UTF_8);
    // a gRPC message: no compression, 4-byte length, the bytes
    ByteBuffer framed = ByteBuffer.allocate(5 + message.length);
    framed.put((byte) 0).putInt(message.length).put(message);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) WAIT.toMillis());
      String head =
          "POST /test.Echo/Say HTTP/1.1\r\nHost: "
              + GRPC_HOST
              + "\r\nContent-Type: application/grpc\r\nTE: trailers\r\nConnection: close\r\n"
              + "Content-Length: "
              + framed.capacity()
              + "\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(framed.array());
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all)
          .startsWith("HTTP/1.1 200")
          .containsIgnoringCase("transfer-encoding: chunked")
          .contains("hello world");
      // the last chunk (size 0) carries the trailers
      int lastChunk = all.indexOf("\r\n0\r\n");
      assertThat(lastChunk).as(all).isPositive();
      assertThat(all.substring(lastChunk)).containsIgnoringCase("grpc-status: 0");
    }
  }
}
