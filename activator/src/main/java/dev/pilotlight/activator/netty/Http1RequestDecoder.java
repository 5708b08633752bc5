package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.http1.BodyFraming;
import dev.pilotlight.activator.http1.BodyPart;
import dev.pilotlight.activator.http1.HeadParser;
import dev.pilotlight.activator.http1.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The pass-through path's request decoder, after prior-knowledge detection in an HTTP/1.1 client
 * pipeline: each request becomes a {@link RequestHead} (parsed in place) and its body {@link
 * BodyPart}s (the bytes as they came, the last one marked), the same rhythm as the HTTP codec's
 * head and contents.
 *
 * <p>A bodyless request is its head alone ({@link RequestHead#bodyless}): unlike the codec's, no
 * empty last content follows, one message and one read fewer per request.
 *
 * <p>A request head the pass-through path does not serve ({@link HeadParser#UNSUPPORTED}: an
 * upgrade, HTTP/1.0, absolute form, anything malformed or near a limit) stops this decoder: it
 * emits {@link #FALLBACK} and decodes nothing more, and the frontend, once it reaches that marker
 * (every earlier exchange done), puts the HTTP codec in its place ({@link
 * GatewayInitializer#useCodec}), which gets the bytes from that request on and answers or serves it
 * exactly as it always has. A malformed body (invalid chunk framing) emits {@link #MALFORMED_BODY}
 * and decodes nothing more: the frontend answers 400 if no response has begun, and closes.
 */
final class Http1RequestDecoder extends ByteToMessageDecoder {
  /** The rest of the connection is for the HTTP codec. */
  static final Object FALLBACK = new Object();

  /**
   * The current request's body has invalid chunk framing: it cannot be forwarded nor its end found,
   * and nothing more is decoded on this connection.
   */
  static final Object MALFORMED_BODY = new Object();

  private final HeadParser parser;
  private BodyFraming body;
  private boolean stopped;
  private int requests;

  Http1RequestDecoder(int maxLine, int maxHeaderBytes) {
    this.parser = new HeadParser(maxLine, maxHeaderBytes);
  }

  /** Requests decoded so far on this connection. */
  int requests() {
    return requests;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (stopped) {
      return;
    }
    if (body == null) {
      int r = parser.parseRequest(in);
      if (r == HeadParser.INCOMPLETE) {
        return;
      }
      if (r != HeadParser.DONE) {
        stopped = true;
        // fired here, not added to out: nothing is consumed, which a decoder's output may not be
        // (out is empty: what came before was fired before this call)
        ctx.fireChannelRead(FALLBACK);
        return;
      }
      RequestHead head = parser.takeRequest();
      requests++;
      out.add(head);
      BodyFraming framing =
          new BodyFraming(
              head.chunked()
                  ? BodyFraming.Mode.CHUNKED
                  : head.contentLength() > 0 ? BodyFraming.Mode.LENGTH : BodyFraming.Mode.NONE,
              head.contentLength());
      if (!framing.done()) {
        body = framing;
      }
      return;
    }
    int n = body.scan(in, in.readerIndex(), in.writerIndex(), null);
    if (n == BodyFraming.MALFORMED) {
      // nothing after it can be framed: the connection ends once the frontend has answered
      stopped = true;
      in.skipBytes(in.readableBytes());
      out.add(MALFORMED_BODY);
      return;
    }
    boolean last = body.done();
    if (n == 0 && !last) {
      return;
    }
    out.add(new BodyPart(in.readRetainedSlice(n), last));
    if (last) {
      body = null;
    }
  }
}
