package dev.pilotlight.activator.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import java.nio.charset.StandardCharsets;

/**
 * A parsed HTTP/1.1 head: its bytes (start line, header lines, the empty line) and, per header
 * line, the {@link HeaderKind} of its name and the offsets of its name, value and line end,
 * relative to the start of the bytes. Holds one reference to the bytes (a slice of the buffer they
 * were read into), released with the head.
 */
public abstract class Head extends AbstractReferenceCounted {
  static final int STRIDE = 4;

  private ByteBuf bytes;
  final int startLineEnd;
  private final int[] fields;
  private final int count;

  Head(ByteBuf bytes, int startLineEnd, int[] fields, int count) {
    this.bytes = bytes;
    this.startLineEnd = startLineEnd;
    this.fields = fields;
    this.count = count;
  }

  /** The head's bytes, from the start line to the empty line included. */
  public ByteBuf bytes() {
    return bytes;
  }

  /**
   * Replaces the bytes by a copy of their own size, so a head kept for long (a held request) does
   * not pin the whole buffer it was read into.
   */
  public void compact() {
    ByteBuf copy = bytes.copy();
    bytes.release();
    bytes = copy;
  }

  /** Header lines. */
  public int count() {
    return count;
  }

  /** The {@link HeaderKind} of header {@code i}. */
  public int kind(int i) {
    return fields[i * STRIDE] & 0xff;
  }

  /** Length of header {@code i}'s name. */
  public int nameLength(int i) {
    return fields[i * STRIDE] >>> 8;
  }

  /** Offset of header {@code i}'s line (its name's first byte). */
  public int lineStart(int i) {
    return fields[i * STRIDE + 1];
  }

  /** Offset of header {@code i}'s value (after the colon and optional whitespace). */
  public int valueStart(int i) {
    return fields[i * STRIDE + 2];
  }

  /** Offset just after header {@code i}'s value (trailing whitespace excluded). */
  public int valueEnd(int i) {
    return fields[i * STRIDE + 3];
  }

  /** Offset just after header {@code i}'s line ending. */
  public int lineEnd(int i) {
    return i + 1 < count ? lineStart(i + 1) : bytes.readableBytes() - 2;
  }

  /** Offset just after the start line's CRLF, where the first header line begins. */
  public int headersStart() {
    return startLineEnd + 2;
  }

  /** Header {@code i}'s value as a string (ISO-8859-1, as HTTP/1.1 field values are bytes). */
  public String value(int i) {
    int s = valueStart(i);
    return bytes.toString(bytes.readerIndex() + s, valueEnd(i) - s, StandardCharsets.ISO_8859_1);
  }

  /** Header {@code i}'s name as a string. */
  public String name(int i) {
    return bytes.toString(
        bytes.readerIndex() + lineStart(i), nameLength(i), StandardCharsets.ISO_8859_1);
  }

  /** Whether header {@code i}'s name equals {@code lowerName} (lower case), ignoring case. */
  public boolean nameIs(int i, String lowerName) {
    int n = lowerName.length();
    if (nameLength(i) != n) {
      return false;
    }
    int s = bytes.readerIndex() + lineStart(i);
    for (int k = 0; k < n; k++) {
      if (HeadParser.lower(bytes.getByte(s + k)) != lowerName.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  @Override
  protected void deallocate() {
    bytes.release();
  }

  @Override
  public Head touch(Object hint) {
    bytes.touch(hint);
    return this;
  }
}
