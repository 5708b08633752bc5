package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.http1.BodyFraming;
import dev.pilotlight.activator.http1.BodyPart;
import dev.pilotlight.activator.http1.ResponseHead;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * One response on the pass-through path, as the bytes written to the client: the rewritten head
 * ({@link RawHeads#downstreamResponse}) is held back until the body's first part, so that a
 * response read whole leaves in one write (a small body inside the head's own buffer); a body
 * delimited by the instance closing its connection is framed as chunks, so the client's connection
 * can stay open.
 */
final class ClientResponseBytes {
  /** Bodies up to this size go out in their head's buffer. */
  static final int SMALL_BODY = 1024;

  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRLF = {'\r', '\n'};

  private final boolean rechunk;
  private ByteBuf head;

  /** Rewrites {@code h} (not released here) for the client; nothing is written yet. */
  ClientResponseBytes(
      ResponseHead h,
      RevisionKey revision,
      Endpoint endpoint,
      long heldNanos,
      boolean clientKeepAlive,
      ByteBufAllocator alloc) {
    this.rechunk = h.framing() == BodyFraming.Mode.UNTIL_CLOSE;
    int room =
        h.framing() == BodyFraming.Mode.LENGTH && h.contentLength() <= SMALL_BODY
            ? (int) h.contentLength()
            : 0;
    this.head =
        RawHeads.downstreamResponse(h, revision, endpoint, heldNanos, clientKeepAlive, room, alloc);
  }

  /**
   * The bytes to write for {@code part} (taken over): framed if need be, after the head if held.
   */
  ByteBuf body(BodyPart part) {
    ByteBuf bytes = part.content();
    if (rechunk) {
      if (bytes.isReadable()) {
        ByteBuf size =
            Unpooled.copiedBuffer(
                Integer.toHexString(bytes.readableBytes()) + "\r\n", StandardCharsets.US_ASCII);
        bytes = Unpooled.wrappedBuffer(size, bytes, Unpooled.wrappedBuffer(CRLF));
      }
      if (part.last()) {
        bytes = Unpooled.wrappedBuffer(bytes, Unpooled.wrappedBuffer(LAST_CHUNK));
      }
    }
    ByteBuf h = takeHead();
    if (h == null) {
      return bytes;
    }
    if (bytes.readableBytes() <= SMALL_BODY) {
      h.writeBytes(bytes);
      bytes.release();
      return h;
    }
    return Unpooled.wrappedBuffer(h, bytes);
  }

  /** The head when it has not gone out yet (the read ended before the body began), else null. */
  ByteBuf takeHead() {
    ByteBuf h = head;
    head = null;
    return h;
  }

  /** The response broke off: what was held back is dropped. */
  void release() {
    if (head != null) {
      head.release();
      head = null;
    }
  }
}
