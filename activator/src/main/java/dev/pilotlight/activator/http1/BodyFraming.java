package dev.pilotlight.activator.http1;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a message body ends in the bytes that follow its head, without changing them: the
 * pass-through path forwards the body as it came (chunk framing included) and only needs to know
 * which bytes belong to it and whether their framing is valid (so that no request can be smuggled
 * behind a malformed chunk).
 *
 * <p>{@link #scan} never splits a chunk-size line or a trailer line across two calls: it stops
 * before a line whose end has not arrived, so a caller forwarding exactly the bytes scanned also
 * forwards whole lines, and a second scanner over those pieces (to take the data out, {@link
 * DataSink}) needs no state between them beyond its own.
 */
public final class BodyFraming {
  /** How a body is delimited. */
  public enum Mode {
    /** No body. */
    NONE,
    /** Content-Length bytes. */
    LENGTH,
    /** Transfer-Encoding: chunked. */
    CHUNKED,
    /** Until the connection closes (responses only). */
    UNTIL_CLOSE
  }

  /** Told where the data bytes are among those scanned (chunk framing left out). */
  @FunctionalInterface
  public interface DataSink {
    void data(int index, int length);
  }

  /** A chunk-size line or a trailer line longer than this is malformed. */
  static final int MAX_LINE = 4096;

  /** Trailer section bytes at most. */
  static final int MAX_TRAILERS = 16 * 1024;

  public static final int MALFORMED = -1;

  private static final int SIZE = 0;
  private static final int DATA = 1;
  private static final int DATA_END = 2;
  private static final int TRAILER = 3;
  private static final int DONE = 4;

  private final Mode mode;
  private long remaining;
  private int state;
  private int trailerBytes;

  /**
   * @param length the Content-Length for {@link Mode#LENGTH}, else ignored
   */
  public BodyFraming(Mode mode, long length) {
    this.mode = mode;
    this.remaining = length;
    this.state = mode == Mode.NONE || (mode == Mode.LENGTH && length == 0) ? DONE : SIZE;
  }

  /** The body has ended (for {@link Mode#UNTIL_CLOSE}: never, the connection's end says). */
  public boolean done() {
    return state == DONE;
  }

  /**
   * How many of the bytes in {@code [from, to)} of {@code in} belong to the body, or {@link
   * #MALFORMED}. Call again with the rest (and more bytes) until {@link #done}.
   *
   * @param sink told where the data is, or null
   */
  public int scan(ByteBuf in, int from, int to, DataSink sink) {
    switch (mode) {
      case NONE:
        return 0;
      case UNTIL_CLOSE:
        if (sink != null && to > from) {
          sink.data(from, to - from);
        }
        return to - from;
      case LENGTH:
        if (state == DONE) {
          return 0;
        }
        int n = (int) Math.min(remaining, to - from);
        remaining -= n;
        if (remaining == 0) {
          state = DONE;
        }
        if (sink != null && n > 0) {
          sink.data(from, n);
        }
        return n;
      default:
        return chunked(in, from, to, sink);
    }
  }

  private int chunked(ByteBuf in, int from, int to, DataSink sink) {
    int p = from;
    while (p < to && state != DONE) {
      switch (state) {
        case SIZE -> {
          int lf = in.indexOf(p, Math.min(to, p + MAX_LINE), (byte) '\n');
          if (lf < 0) {
            return to - p >= MAX_LINE ? MALFORMED : p - from;
          }
          long size = chunkSize(in, p, lf);
          if (size < 0) {
            return MALFORMED;
          }
          p = lf + 1;
          if (size == 0) {
            state = TRAILER;
          } else {
            remaining = size;
            state = DATA;
          }
        }
        case DATA -> {
          int n = (int) Math.min(remaining, to - p);
          if (sink != null) {
            sink.data(p, n);
          }
          remaining -= n;
          p += n;
          if (remaining == 0) {
            state = DATA_END;
          }
        }
        case DATA_END -> {
          if (to - p < 2) {
            return p - from;
          }
          if (in.getByte(p) != '\r' || in.getByte(p + 1) != '\n') {
            return MALFORMED;
          }
          p += 2;
          state = SIZE;
        }
        default -> { // TRAILER
          int lf = in.indexOf(p, Math.min(to, p + MAX_LINE), (byte) '\n');
          if (lf < 0) {
            return to - p >= MAX_LINE ? MALFORMED : p - from;
          }
          if (lf == p || in.getByte(lf - 1) != '\r') {
            return MALFORMED;
          }
          trailerBytes += lf + 1 - p;
          if (trailerBytes > MAX_TRAILERS || (lf > p + 1 && !isField(in, p, lf - 1))) {
            return MALFORMED;
          }
          if (lf == p + 1) {
            state = DONE;
          }
          p = lf + 1;
        }
      }
    }
    return p - from;
  }

  /** {@code 1*HEXDIG [ (OWS ";" ...) ] CR} before {@code lf}; -1 when malformed or too large. */
  private static long chunkSize(ByteBuf in, int from, int lf) {
    if (lf == from || in.getByte(lf - 1) != '\r') {
      return -1;
    }
    int end = lf - 1;
    long size = 0;
    int p = from;
    for (; p < end; p++) {
      int d = Character.digit(in.getByte(p), 16);
      if (d < 0) {
        break;
      }
      if (p - from >= 15) {
        return -1;
      }
      size = size * 16 + d;
    }
    if (p == from) {
      return -1;
    }
    while (p < end && (in.getByte(p) == ' ' || in.getByte(p) == '\t')) {
      p++;
    }
    if (p < end && in.getByte(p) != ';') {
      return -1;
    }
    for (; p < end; p++) {
      byte b = in.getByte(p);
      if ((b < 0x20 && b != '\t') || b == 0x7f) {
        return -1;
      }
    }
    return size;
  }

  /** A trailer line: a token name and a colon, no control bytes. */
  private static boolean isField(ByteBuf in, int from, int cr) {
    int colon = in.indexOf(from, cr, (byte) ':');
    if (colon <= from) {
      return false;
    }
    for (int p = from; p < cr; p++) {
      byte b = in.getByte(p);
      if ((b < 0x20 && b != '\t') || b == 0x7f || (p < colon && (b == ' ' || b == '\t'))) {
        return false;
      }
    }
    return true;
  }
}
