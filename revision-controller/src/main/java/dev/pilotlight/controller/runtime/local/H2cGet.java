package dev.pilotlight.controller.runtime.local;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A readiness GET over HTTP/2 cleartext with prior knowledge, on a blocking socket, just enough to
 * learn whether the response status is 2xx or 3xx: the preface and an empty SETTINGS, one HEADERS
 * frame (HPACK without Huffman or indexing, which every decoder accepts), then frames are read
 * until the response HEADERS of stream 1, whose first field is {@code :status} (RFC 9113 8.3.2). On
 * a fresh connection the HPACK dynamic table is empty, so that field is either a static-table entry
 * (200, 204, 206, 304, 400, 404, 500) or a literal with the {@code :status} name whose first
 * character is all that is decoded (raw or Huffman). Bounded: at most {@value #MAX_BYTES} bytes are
 * read, and the socket's read timeout bounds the wait.
 */
final class H2cGet {
  static final int MAX_BYTES = 256 * 1024;
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int GOAWAY = 7;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;

  private H2cGet() {}

  /** Sends GET {@code path} on {@code socket} (connected, read timeout set); true on 2xx/3xx. */
  static boolean statusOk(Socket socket, String path, int port) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x82); // :method GET (static index 2)
    block.write(0x86); // :scheme http (static index 6)
    literal(block, 4, path); // :path
    literal(block, 1, "127.0.0.1:" + port); // :authority
    literal(block, 58, "pilotlight-probe"); // user-agent
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    frame(req, HEADERS, END_STREAM | END_HEADERS, 1, block.toByteArray());
    Frames frames = Frames.open(socket, req);
    while (true) {
      Frame f = frames.next();
      if (f == null) {
        return false;
      } else if (f.type() == HEADERS && f.stream() == 1) {
        return statusOk(headerBlock(f.payload(), f.flags()));
      } else if (f.type() == DATA && f.stream() == 1) {
        return false; // DATA before HEADERS: malformed
      }
    }
  }

  /** One frame read: its type, flags, stream and payload. */
  private record Frame(int type, int flags, int stream, byte[] payload) {}

  /**
   * The connection's frames after the preface, bounded to {@value #MAX_BYTES} bytes in all: the
   * server's SETTINGS are acknowledged on the way, and the end of what a probe can learn (a GOAWAY,
   * stream 1 reset, the bound reached) reads as null.
   */
  private static final class Frames {
    private final DataInputStream in;
    private final OutputStream out;
    private int read;

    private Frames(DataInputStream in, OutputStream out) {
      this.in = in;
      this.out = out;
    }

    /** Sends the preface, an empty SETTINGS and then {@code request}'s frames on {@code socket}. */
    static Frames open(Socket socket, ByteArrayOutputStream request) throws IOException {
      OutputStream out = socket.getOutputStream();
      ByteArrayOutputStream first = new ByteArrayOutputStream();
      first.write(PREFACE);
      frame(first, SETTINGS, 0, 0, new byte[0]);
      request.writeTo(first);
      out.write(first.toByteArray());
      out.flush();
      return new Frames(new DataInputStream(socket.getInputStream()), out);
    }

    Frame next() throws IOException {
      while (true) {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        read += 9 + length;
        if (read > MAX_BYTES || length > MAX_BYTES) {
          return null;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type == SETTINGS && (flags & 0x1) == 0) {
          ByteArrayOutputStream ack = new ByteArrayOutputStream();
          frame(ack, SETTINGS, 0x1, 0, new byte[0]);
          out.write(ack.toByteArray());
          out.flush();
        } else if (type == GOAWAY || (type == RST_STREAM && stream == 1)) {
          return null;
        } else {
          return new Frame(type, flags, stream, payload);
        }
      }
    }
  }

  /**
   * A gRPC health check ({@code grpc.health.v1.Health/Check}, the check Kubernetes' {@code grpc}
   * probe makes) of {@code service} (empty: the server as a whole) on {@code socket} (connected,
   * read timeout set): true when the response's {@code HealthCheckResponse.status} is {@code
   * SERVING} (1). A trailers-only answer (an error status, or an unknown service) is false.
   */
  static boolean grpcServing(Socket socket, String service, int port) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x83); // :method POST (static index 3)
    block.write(0x86); // :scheme http
    literal(block, 4, "/grpc.health.v1.Health/Check");
    literal(block, 1, "127.0.0.1:" + port);
    literal(block, 31, "application/grpc"); // content-type
    literalName(block, "te", "trailers");
    literal(block, 58, "pilotlight-probe");
    byte[] name = service.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream request = new ByteArrayOutputStream(); // HealthCheckRequest
    if (name.length > 0) {
      if (name.length >= 0x80) {
        throw new IOException("gRPC service name longer than 127 bytes");
      }
      request.write(0x0a); // field 1, length-delimited
      request.write(name.length);
      request.write(name, 0, name.length);
    }
    byte[] message = request.toByteArray();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(0); // not compressed
    body.write(message.length >>> 24);
    body.write(message.length >>> 16);
    body.write(message.length >>> 8);
    body.write(message.length);
    body.write(message, 0, message.length);
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    frame(req, HEADERS, END_HEADERS, 1, block.toByteArray());
    frame(req, DATA, END_STREAM, 1, body.toByteArray());
    Frames frames = Frames.open(socket, req);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    boolean headers = false;
    while (true) {
      Frame f = frames.next();
      if (f == null) {
        return false;
      }
      int type = f.type();
      int flags = f.flags();
      int stream = f.stream();
      byte[] payload = f.payload();
      if (type == HEADERS && stream == 1 && !headers) {
        if (!statusOk(headerBlock(payload, flags)) || (flags & END_STREAM) != 0) {
          return false; // not 200, or trailers-only: an error status
        }
        headers = true;
      } else if (type == DATA && stream == 1) {
        if (!headers) {
          return false;
        }
        byte[] d = headerBlock(payload, flags & PADDED);
        data.write(d, 0, d.length);
        Integer status = healthStatus(data.toByteArray());
        if (status != null) {
          return status == 1;
        }
        if ((flags & END_STREAM) != 0) {
          return false;
        }
      } else if (stream == 1 && (flags & END_STREAM) != 0) {
        return false; // trailers before a whole message
      }
    }
  }

  /**
   * The {@code status} of a gRPC-framed {@code HealthCheckResponse}, 0 (UNKNOWN) when the field is
   * absent; null while the message is not whole yet.
   */
  static Integer healthStatus(byte[] framed) {
    if (framed.length < 5) {
      return null;
    }
    int length =
        ((framed[1] & 0xff) << 24)
            | ((framed[2] & 0xff) << 16)
            | ((framed[3] & 0xff) << 8)
            | (framed[4] & 0xff);
    if (length < 0 || framed.length < 5 + length) {
      return null;
    }
    int pos = 5;
    int end = 5 + length;
    int status = 0;
    while (pos < end) {
      int tag = framed[pos++] & 0xff;
      int wire = tag & 0x7;
      long value = 0;
      if (wire == 0 || wire == 2) {
        int shift = 0;
        while (pos < end && shift < 64) {
          int b = framed[pos++] & 0xff;
          value |= (long) (b & 0x7f) << shift;
          shift += 7;
          if ((b & 0x80) == 0) {
            break;
          }
        }
      } else {
        return 0; // no other wire type in HealthCheckResponse
      }
      if (wire == 2) {
        pos += (int) value; // an unknown length-delimited field
      } else if (tag >>> 3 == 1) {
        status = (int) value;
      }
    }
    return status;
  }

  /** A literal field without indexing with a literal name, raw strings. */
  private static void literalName(ByteArrayOutputStream out, String name, String value) {
    out.write(0x00);
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    writeInteger(out, 0x00, 7, n.length);
    out.write(n, 0, n.length);
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    writeInteger(out, 0x00, 7, v.length);
    out.write(v, 0, v.length);
  }

  /** The header block fragment of a HEADERS payload (padding and priority removed). */
  private static byte[] headerBlock(byte[] p, int flags) {
    int from = 0;
    int to = p.length;
    if ((flags & PADDED) != 0 && p.length > 0) {
      from = 1;
      to -= p[0] & 0xff;
    }
    if ((flags & PRIORITY) != 0) {
      from += 5;
    }
    if (from > to) {
      return new byte[0];
    }
    byte[] b = new byte[to - from];
    System.arraycopy(p, from, b, 0, b.length);
    return b;
  }

  /** Whether the first field of a response header block is a 2xx or 3xx {@code :status}. */
  static boolean statusOk(byte[] b) {
    int[] pos = {0};
    while (pos[0] < b.length && (b[pos[0]] & 0xe0) == 0x20) {
      integer(b, pos, 5); // a dynamic table size update may come first
    }
    if (pos[0] >= b.length) {
      return false;
    }
    int first = b[pos[0]] & 0xff;
    int nameIndex;
    if ((first & 0x80) != 0) {
      int index = integer(b, pos, 7);
      return index >= 8 && index <= 11; // 200, 204, 206, 304 (12-14: 400, 404, 500)
    } else if ((first & 0xc0) == 0x40) {
      nameIndex = integer(b, pos, 6);
    } else {
      nameIndex = integer(b, pos, 4);
    }
    if (nameIndex < 8 || nameIndex > 14 || pos[0] >= b.length) {
      return false; // not :status by a static name (real encoders never spell it out)
    }
    boolean huffman = (b[pos[0]] & 0x80) != 0;
    int length = integer(b, pos, 7);
    if (length < 1 || pos[0] >= b.length) {
      return false;
    }
    int c = b[pos[0]] & 0xff;
    if (!huffman) {
      return c == '2' || c == '3';
    }
    // Huffman (RFC 7541 appendix B): '2' is 00010, '3' is 011001
    return (c >>> 3) == 0b00010 || (c >>> 2) == 0b011001;
  }

  /** An HPACK integer with an {@code n}-bit prefix at {@code pos[0]}; advances it. */
  private static int integer(byte[] b, int[] pos, int n) {
    int max = (1 << n) - 1;
    int v = b[pos[0]++] & max;
    if (v < max) {
      return v;
    }
    int shift = 0;
    while (pos[0] < b.length && shift < 28) {
      int x = b[pos[0]++] & 0xff;
      v += (x & 0x7f) << shift;
      shift += 7;
      if ((x & 0x80) == 0) {
        break;
      }
    }
    return v;
  }

  /** A literal field without indexing, name from the static table, raw (non-Huffman) value. */
  private static void literal(ByteArrayOutputStream out, int nameIndex, String value) {
    writeInteger(out, 0x00, 4, nameIndex);
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    writeInteger(out, 0x00, 7, v.length);
    out.write(v, 0, v.length);
  }

  private static void writeInteger(ByteArrayOutputStream out, int flags, int n, int value) {
    int max = (1 << n) - 1;
    if (value < max) {
      out.write(flags | value);
      return;
    }
    out.write(flags | max);
    value -= max;
    while (value >= 0x80) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  private static void frame(
      ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(stream >>> 24);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.write(payload, 0, payload.length);
  }
}
