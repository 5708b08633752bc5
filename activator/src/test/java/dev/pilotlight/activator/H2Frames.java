package dev.pilotlight.activator;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/2 frames as bytes, for tests that speak the protocol by hand (RFC 9113 4.1): builders for
 * every frame type, malformed ones included, a parser, and header blocks written as HPACK literals
 * without indexing (RFC 7541 6.2.2) so that a block carries exactly the fields given, in the order
 * and case given, duplicates included, and leaves no state in either side's dynamic table.
 */
public final class H2Frames {
  public static final int DATA = 0x0;
  public static final int HEADERS = 0x1;
  public static final int PRIORITY = 0x2;
  public static final int RST_STREAM = 0x3;
  public static final int SETTINGS = 0x4;
  public static final int PUSH_PROMISE = 0x5;
  public static final int PING = 0x6;
  public static final int GOAWAY = 0x7;
  public static final int WINDOW_UPDATE = 0x8;
  public static final int CONTINUATION = 0x9;

  public static final int END_STREAM = 0x1;
  public static final int ACK = 0x1;
  public static final int END_HEADERS = 0x4;
  public static final int PADDED = 0x8;
  public static final int PRIORITY_FLAG = 0x20;

  public static final int NO_ERROR = 0x0;
  public static final int PROTOCOL_ERROR = 0x1;
  public static final int INTERNAL_ERROR = 0x2;
  public static final int FLOW_CONTROL_ERROR = 0x3;
  public static final int STREAM_CLOSED = 0x5;
  public static final int FRAME_SIZE_ERROR = 0x6;
  public static final int REFUSED_STREAM = 0x7;
  public static final int CANCEL = 0x8;
  public static final int COMPRESSION_ERROR = 0x9;
  public static final int ENHANCE_YOUR_CALM = 0xb;

  public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
  public static final int SETTINGS_ENABLE_PUSH = 0x2;
  public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
  public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;

  public static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private static final String[] TYPES = {
    "DATA",
    "HEADERS",
    "PRIORITY",
    "RST_STREAM",
    "SETTINGS",
    "PUSH_PROMISE",
    "PING",
    "GOAWAY",
    "WINDOW_UPDATE",
    "CONTINUATION"
  };
  private static final String[] ERRORS = {
    "NO_ERROR",
    "PROTOCOL_ERROR",
    "INTERNAL_ERROR",
    "FLOW_CONTROL_ERROR",
    "SETTINGS_TIMEOUT",
    "STREAM_CLOSED",
    "FRAME_SIZE_ERROR",
    "REFUSED_STREAM",
    "CANCEL",
    "COMPRESSION_ERROR",
    "CONNECT_ERROR",
    "ENHANCE_YOUR_CALM",
    "INADEQUATE_SECURITY",
    "HTTP_1_1_REQUIRED"
  };

  private H2Frames() {}

  /** A frame as read: its header's fields and its payload. */
  public record Frame(int type, int flags, int streamId, byte[] payload) {
    public boolean has(int flag) {
      return (flags & flag) != 0;
    }

    /** The error code of a RST_STREAM or GOAWAY frame. */
    public int errorCode() {
      ByteBuffer b = ByteBuffer.wrap(payload);
      return type == GOAWAY ? b.getInt(4) : b.getInt(0);
    }

    /** A GOAWAY frame's last stream identifier. */
    public int lastStreamId() {
      return ByteBuffer.wrap(payload).getInt(0) & 0x7fffffff;
    }

    @Override
    public String toString() {
      String t = type < TYPES.length ? TYPES[type] : "type 0x" + Integer.toHexString(type);
      String s = t + "(stream " + streamId + ", flags 0x" + Integer.toHexString(flags);
      if (type == RST_STREAM || type == GOAWAY) {
        s += ", " + errorName(errorCode());
      }
      if (type == GOAWAY && payload.length > 8) {
        s += ", \"" + new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8) + "\"";
      }
      return s + ", " + payload.length + " bytes)";
    }
  }

  public static String errorName(int code) {
    return code >= 0 && code < ERRORS.length
        ? ERRORS[code]
        : "error 0x" + Integer.toHexString(code);
  }

  // --- frames ---

  /** Any frame, as given: the length field is the payload's length. */
  public static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    return frame(payload.length, type, flags, streamId, payload);
  }

  /** A frame whose length field says {@code length} whatever the payload (a lying header). */
  public static byte[] frame(int length, int type, int flags, int streamId, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
    b.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
    b.put((byte) type).put((byte) flags).putInt(streamId).put(payload);
    return b.array();
  }

  public static byte[] headers(int streamId, int flags, byte[] block) {
    return frame(HEADERS, flags, streamId, block);
  }

  /** A HEADERS frame with the PRIORITY flag: dependency, exclusive bit and weight (1-256). */
  public static byte[] headersWithPriority(
      int streamId, int flags, int dependency, boolean exclusive, int weight, byte[] block) {
    ByteBuffer b = ByteBuffer.allocate(5 + block.length);
    b.putInt(exclusive ? dependency | 0x80000000 : dependency).put((byte) (weight - 1)).put(block);
    return frame(HEADERS, flags | PRIORITY_FLAG, streamId, b.array());
  }

  /** A HEADERS frame with the PADDED flag and {@code padding} zero bytes after the block. */
  public static byte[] headersPadded(int streamId, int flags, byte[] block, int padding) {
    return frame(HEADERS, flags | PADDED, streamId, padded(block, padding));
  }

  public static byte[] continuation(int streamId, int flags, byte[] fragment) {
    return frame(CONTINUATION, flags, streamId, fragment);
  }

  public static byte[] data(int streamId, boolean endStream, byte[] bytes) {
    return frame(DATA, endStream ? END_STREAM : 0, streamId, bytes);
  }

  public static byte[] data(int streamId, boolean endStream, String text) {
    return data(streamId, endStream, text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] dataPadded(int streamId, boolean endStream, byte[] bytes, int padding) {
    return frame(DATA, (endStream ? END_STREAM : 0) | PADDED, streamId, padded(bytes, padding));
  }

  private static byte[] padded(byte[] content, int padding) {
    ByteBuffer b = ByteBuffer.allocate(1 + content.length + padding);
    b.put((byte) padding).put(content);
    return b.array();
  }

  public static byte[] priority(int streamId, int dependency, boolean exclusive, int weight) {
    ByteBuffer b = ByteBuffer.allocate(5);
    b.putInt(exclusive ? dependency | 0x80000000 : dependency).put((byte) (weight - 1));
    return frame(PRIORITY, 0, streamId, b.array());
  }

  public static byte[] rstStream(int streamId, int errorCode) {
    return frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(errorCode).array());
  }

  /** A SETTINGS frame from (identifier, value) pairs, in order. */
  public static byte[] settings(long... idsAndValues) {
    ByteBuffer b = ByteBuffer.allocate(idsAndValues.length / 2 * 6);
    for (int i = 0; i + 1 < idsAndValues.length; i += 2) {
      b.putShort((short) idsAndValues[i]).putInt((int) idsAndValues[i + 1]);
    }
    return frame(SETTINGS, 0, 0, b.array());
  }

  public static byte[] settingsAck() {
    return frame(SETTINGS, ACK, 0, new byte[0]);
  }

  public static byte[] ping(boolean ack, byte[] opaque) {
    return frame(PING, ack ? ACK : 0, 0, opaque);
  }

  public static byte[] goaway(int lastStreamId, int errorCode, String debug) {
    byte[] d = debug.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + d.length).putInt(lastStreamId).putInt(errorCode).put(d);
    return frame(GOAWAY, 0, 0, b.array());
  }

  public static byte[] windowUpdate(int streamId, long increment) {
    return frame(
        WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt((int) increment).array());
  }

  public static byte[] pushPromise(int streamId, int promisedStreamId, byte[] block) {
    ByteBuffer b = ByteBuffer.allocate(4 + block.length).putInt(promisedStreamId).put(block);
    return frame(PUSH_PROMISE, END_HEADERS, streamId, b.array());
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  // --- header blocks ---

  /**
   * A header block of literal fields without indexing, new names (RFC 7541 6.2.2), exactly the
   * (name, value) pairs given.
   */
  public static byte[] block(String... namesAndValues) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      out.write(0x00);
      string(out, namesAndValues[i]);
      string(out, namesAndValues[i + 1]);
    }
    return out.toByteArray();
  }

  /** A string literal, not Huffman-coded: its length (7-bit prefix) and its bytes. */
  static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    integer(out, 0x00, 7, b.length);
    out.writeBytes(b);
  }

  /**
   * An HPACK integer with an {@code n}-bit prefix after the bits in {@code first} (RFC 7541 5.1).
   */
  public static void integer(ByteArrayOutputStream out, int first, int n, int value) {
    int max = (1 << n) - 1;
    if (value < max) {
      out.write(first | value);
      return;
    }
    out.write(first | max);
    value -= max;
    while (value >= 128) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  /** The four request pseudo-header fields, in their usual order, then {@code more}. */
  public static String[] request(String method, String authority, String path, String... more) {
    String[] fields = new String[8 + more.length];
    String[] pseudo = {
      ":method", method, ":scheme", "http", ":path", path, ":authority", authority
    };
    System.arraycopy(pseudo, 0, fields, 0, 8);
    System.arraycopy(more, 0, fields, 8, more.length);
    return fields;
  }

  // --- reading ---

  /** The next frame, or null at the end of the stream (before a frame began). */
  public static Frame read(DataInputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    byte[] head = new byte[8];
    in.readFully(head);
    int length = (first << 16) | ((head[0] & 0xff) << 8) | (head[1] & 0xff);
    int type = head[2] & 0xff;
    int flags = head[3] & 0xff;
    int streamId = ByteBuffer.wrap(head, 4, 4).getInt() & 0x7fffffff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, streamId, payload);
  }

  /** Every whole frame in {@code bytes} (what a server wrote, after its connection preface). */
  public static List<Frame> parse(byte[] bytes) {
    List<Frame> frames = new ArrayList<>();
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    try {
      Frame f;
      while ((f = read(in)) != null) {
        frames.add(f);
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException("a frame cut short after " + frames, e);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return frames;
  }
}
