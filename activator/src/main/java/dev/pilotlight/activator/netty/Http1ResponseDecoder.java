package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.http1.BodyFraming;
import dev.pilotlight.activator.http1.BodyPart;
import dev.pilotlight.activator.http1.HeadParser;
import dev.pilotlight.activator.http1.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The pass-through path's response decoder, first in a pooled HTTP/1.1 connection to an instance:
 * each response becomes a {@link ResponseHead} and {@link BodyPart}s, the last one marked (a body
 * delimited by the connection's end gets its empty last part when the connection closes). Interim
 * 1xx heads are dropped here (the gateway never asks for {@code 100 Continue}); a 101 is passed on.
 * A malformed head or body closes the connection, which the exchange treats as a broken one.
 */
final class Http1ResponseDecoder extends ByteToMessageDecoder {
  private final HeadParser parser;
  private BodyFraming body;
  private boolean untilClose;
  private boolean headRequest;
  private boolean failed;
  private boolean surplus;

  Http1ResponseDecoder(int maxHeaderBytes) {
    this.parser = new HeadParser(0, maxHeaderBytes);
  }

  /** The next response answers a HEAD request (no body whatever its head says) or not. */
  void expect(boolean headRequest) {
    this.headRequest = headRequest;
  }

  /**
   * Whether bytes followed the end of the last response in the same read: the instance sent more
   * than the one response it owed, so the connection is out of step and must not be pooled (the
   * next exchange on it would read them as its own response).
   */
  boolean surplus() {
    return surplus;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (body == null) {
      int r = parser.parseResponse(in, headRequest);
      if (r == HeadParser.INCOMPLETE) {
        return;
      }
      if (r != HeadParser.DONE) {
        fail(ctx, in);
        return;
      }
      ResponseHead head = parser.takeResponse();
      if (head.status() < 200 && head.status() != 101) {
        head.release();
        return;
      }
      out.add(head);
      BodyFraming framing = new BodyFraming(head.framing(), head.contentLength());
      if (framing.done()) {
        surplus = in.isReadable() && head.status() != 101;
        out.add(BodyPart.EMPTY_LAST);
      } else {
        body = framing;
        untilClose = head.framing() == BodyFraming.Mode.UNTIL_CLOSE;
      }
      return;
    }
    int n = body.scan(in, in.readerIndex(), in.writerIndex(), null);
    if (n == BodyFraming.MALFORMED) {
      fail(ctx, in);
      return;
    }
    boolean last = body.done();
    if (n == 0 && !last) {
      return;
    }
    out.add(new BodyPart(in.readRetainedSlice(n), last));
    if (last) {
      body = null;
      surplus = in.isReadable();
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    super.decodeLast(ctx, in, out);
    if (body != null && untilClose && !failed) {
      body = null;
      out.add(BodyPart.EMPTY_LAST);
    }
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in) {
    failed = true;
    in.skipBytes(in.readableBytes());
    ctx.close();
  }
}
