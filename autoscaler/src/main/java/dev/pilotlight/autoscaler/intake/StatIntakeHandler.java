package dev.pilotlight.autoscaler.intake;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pilotlight.api.spi.StatBatch;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers {@code POST /v1/stats}: checks the bearer token (constant-time), parses the batch and
 * hands it to the sink. Last in the intake's pipeline, after the codec and a bounded aggregator. A
 * numbered batch delivered a second time is answered 204 and not handed on ({@link RecentBatches}).
 * Every request gets exactly one status: 204 accepted, 400 malformed, 401 bad token, 404, 405; a
 * bad request never closes the intake, only (for malformed HTTP) its own connection.
 */
final class StatIntakeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String PATH = "/v1/stats";
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

  private final byte[] token;
  private final StatSink sink;
  private final IntakeMetrics metrics;
  private final RecentBatches recent;

  StatIntakeHandler(byte[] token, StatSink sink, IntakeMetrics metrics, RecentBatches recent) {
    this.token = token;
    this.sink = sink;
    this.metrics = metrics;
    this.recent = recent;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      metrics.malformed.increment();
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", true);
      return;
    }
    if (!request.uri().equals(PATH)) {
      respond(
          ctx,
          request,
          HttpResponseStatus.NOT_FOUND,
          "not found (expected: POST " + PATH + ")",
          false);
      return;
    }
    if (!request.method().equals(HttpMethod.POST)) {
      respond(
          ctx,
          request,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "method not allowed (expected: POST)",
          false);
      return;
    }
    if (!authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      metrics.unauthorized.increment();
      respond(
          ctx, request, HttpResponseStatus.UNAUTHORIZED, "missing or wrong bearer token", false);
      return;
    }
    StatBatch batch;
    try {
      batch =
          JSON.readValue(
              (java.io.InputStream) new ByteBufInputStream(request.content()), StatBatch.class);
      validate(batch);
    } catch (IOException | IllegalArgumentException e) {
      metrics.malformed.increment();
      respond(
          ctx,
          request,
          HttpResponseStatus.BAD_REQUEST,
          "malformed stat batch: " + firstLine(e.getMessage()),
          false);
      return;
    }
    if (!recent.first(batch)) {
      // delivered before (a resend of a post that was read after all): taken, not counted again
      metrics.duplicate.increment();
      respond(ctx, request, HttpResponseStatus.NO_CONTENT, null, false);
      return;
    }
    List<StatRecord> records = new ArrayList<>(batch.stats().size());
    for (StatBatch.Stat s : batch.stats()) {
      records.add(s.toRecord());
    }
    if (!records.isEmpty()) {
      sink.report(records);
    }
    for (StatBatch.Poke p : batch.pokes()) {
      sink.poke(p.key());
    }
    metrics.accepted.increment();
    respond(ctx, request, HttpResponseStatus.NO_CONTENT, null, false);
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private static void validate(StatBatch batch) {
    if (batch == null) {
      throw new IllegalArgumentException("empty body");
    }
    for (StatBatch.Stat s : batch.stats()) {
      if (s.namespace() == null || s.revision() == null) {
        throw new IllegalArgumentException("stats[]: namespace and revision are required");
      }
      if (!(s.concurrency() >= 0) || s.requests() < 0 || Double.isInfinite(s.concurrency())) {
        throw new IllegalArgumentException("stats[]: concurrency and requests must be >= 0");
      }
    }
    for (StatBatch.Poke p : batch.pokes()) {
      if (p.namespace() == null || p.revision() == null) {
        throw new IllegalArgumentException("pokes[]: namespace and revision are required");
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String reason,
      boolean close) {
    FullHttpResponse response =
        reason == null
            ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status)
            : new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                status,
                Unpooled.copiedBuffer(reason + "\n", StandardCharsets.UTF_8));
    if (reason != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    }
    HttpUtil.setContentLength(response, response.content().readableBytes());
    boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    var f = ctx.writeAndFlush(response);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
