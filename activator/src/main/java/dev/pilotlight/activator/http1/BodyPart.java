package dev.pilotlight.activator.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/**
 * Bytes of a message body as they came (chunk framing included), following a {@link RequestHead} or
 * {@link ResponseHead}; the last part of a body says so.
 */
public final class BodyPart extends DefaultByteBufHolder {
  /** The end of a body with no bytes left (a bodyless message, a body that ended with the read). */
  public static final BodyPart EMPTY_LAST = new BodyPart(Unpooled.EMPTY_BUFFER, true);

  private final boolean last;

  public BodyPart(ByteBuf bytes, boolean last) {
    super(bytes);
    this.last = last;
  }

  public boolean last() {
    return last;
  }
}
