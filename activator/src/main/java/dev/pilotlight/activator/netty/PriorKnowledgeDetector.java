package dev.pilotlight.activator.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First in a new client connection's pipeline: tells HTTP/2 with prior knowledge (the client opens
 * with the connection preface {@code PRI * HTTP/2.0}, RFC 9113 3.4) from HTTP/1.x by the first
 * bytes, turns the connection into an HTTP/2 one when they are the preface ({@link
 * H2Frontend#priorKnowledge}), and leaves the pipeline, handing the bytes it read on. An HTTP/1.x
 * request differs from the preface within its first two bytes at most (only a method starting with
 * "PR" takes more), so this costs nothing after the connection's first read.
 */
final class PriorKnowledgeDetector extends ByteToMessageDecoder {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final GatewayContext gw;

  PriorKnowledgeDetector(GatewayContext gw) {
    this.gw = gw;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
        ctx.pipeline().remove(this); // HTTP/1.x: the bytes go on to the HTTP codec
        return;
      }
    }
    if (n == PREFACE.length) {
      H2Frontend.priorKnowledge(ctx.pipeline(), gw);
      ctx.pipeline().remove(this); // the preface goes on to the HTTP/2 codec
    }
    // else a prefix of the preface: wait for more (ByteToMessageDecoder asks for the next read)
  }
}
