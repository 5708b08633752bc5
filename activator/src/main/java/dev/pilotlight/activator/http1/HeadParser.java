package dev.pilotlight.activator.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Parses HTTP/1.1 heads in place. One parser per connection direction; it remembers how far it has
 * looked for the end of an incomplete head, so a head arriving in many small reads is scanned once.
 *
 * <p>Requests: strict on purpose. Only a head the pass-through path can forward byte for byte is
 * accepted ({@link RequestHead}); anything else, well-formed or not (another version, absolute
 * form, obs-fold, a bare LF, a header name or value with a forbidden byte, a duplicate or unclear
 * framing header, {@code Upgrade}, a name that reads as one the gateway acts on when {@code _} is
 * taken for {@code -}, a size near a limit), is {@link #UNSUPPORTED} and left to the full codec,
 * which answers exactly as it always has (400, 414, 431) or serves it. So the limits here are a
 * little below the configured ones, never above.
 *
 * <p>Responses: what a conforming instance sends is accepted; a head that cannot be framed with
 * certainty is {@link #MALFORMED} (the exchange fails as for a broken connection).
 */
public final class HeadParser {
  public static final int INCOMPLETE = 0;
  public static final int DONE = 1;
  public static final int UNSUPPORTED = 2;
  public static final int MALFORMED = 3;

  /** Longest status line of an instance's response. */
  static final int MAX_STATUS_LINE = 4096;

  /** Header lines per head; more is left to the codec (requests) or malformed (responses). */
  static final int MAX_FIELDS = 256;

  /** Bytes kept below the configured limits, whatever the codec counts (line ends or not). */
  static final int MARGIN = 16;

  private static final boolean[] TOKEN = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TOKEN[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TOKEN[c] = true;
      TOKEN[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TOKEN[c] = true;
    }
  }

  /**
   * Room for one parse, shared by the parsers of a thread (an event loop parses one head at a
   * time), so that a connection, idle or held, keeps none of it.
   */
  private static final class Work {
    byte[] scratch = new byte[1024];
    int[] fields = new int[16 * Head.STRIDE];
  }

  private static final FastThreadLocal<Work> WORK =
      new FastThreadLocal<>() {
        @Override
        protected Work initialValue() {
          return new Work();
        }
      };

  private final int maxLine;
  private final int maxHeaderBytes;
  private int scanned; // bytes after the reader index already searched for the head's end
  private Work w; // the calling thread's, for the parse under way
  private RequestHead request;
  private ResponseHead response;

  /**
   * @param maxLine longest request line (bytes)
   * @param maxHeaderBytes largest header block (bytes)
   */
  public HeadParser(int maxLine, int maxHeaderBytes) {
    this.maxLine = maxLine;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + 32 : b;
  }

  /** The head of the last {@link #DONE} request parse; the caller owns it. */
  public RequestHead takeRequest() {
    RequestHead r = request;
    request = null;
    return r;
  }

  /** The head of the last {@link #DONE} response parse; the caller owns it. */
  public ResponseHead takeResponse() {
    ResponseHead r = response;
    response = null;
    return r;
  }

  /**
   * Looks for a request head at {@code in}'s reader index. {@link #DONE}: the head's bytes are
   * consumed and {@link #takeRequest} has them; otherwise nothing is consumed.
   */
  public int parseRequest(ByteBuf in) {
    int start = in.readerIndex();
    byte first = in.isReadable() ? in.getByte(start) : 0;
    if (in.isReadable() && (first < 'A' || first > 'Z')) {
      return UNSUPPORTED; // leading empty lines, a lower-case method, garbage: the codec decides
    }
    int end = findEnd(in);
    if (end < 0) {
      int readable = in.readableBytes();
      if (readable >= maxLine - MARGIN && in.indexOf(start, start + maxLine - MARGIN, LF) < 0) {
        return UNSUPPORTED;
      }
      return readable > maxLine + maxHeaderBytes ? UNSUPPORTED : INCOMPLETE;
    }
    scanned = 0;
    return request(in, start, end);
  }

  /**
   * Looks for a response head at {@code in}'s reader index; 1xx heads are returned like others.
   *
   * @param headRequest the request was HEAD: no body whatever the head says
   */
  public int parseResponse(ByteBuf in, boolean headRequest) {
    int end = findEnd(in);
    if (end < 0) {
      return in.readableBytes() > MAX_STATUS_LINE + maxHeaderBytes ? MALFORMED : INCOMPLETE;
    }
    scanned = 0;
    return response(in, in.readerIndex(), end, headRequest);
  }

  private static final byte LF = '\n';
  private static final byte CR = '\r';

  /** The index just after the head's empty line, or -1. */
  private int findEnd(ByteBuf in) {
    int from = in.readerIndex() + Math.max(0, scanned - 2);
    int limit = in.writerIndex();
    while (true) {
      int lf = in.indexOf(from, limit, LF);
      if (lf < 0) {
        scanned = in.readableBytes();
        return -1;
      }
      if (lf + 2 >= limit) {
        scanned = lf - in.readerIndex();
        return -1;
      }
      if (in.getByte(lf + 1) == CR && in.getByte(lf + 2) == LF) {
        return lf + 3;
      }
      from = lf + 1;
    }
  }

  /** The head's bytes in {@code scratch}, from 0: plain array reads, no per-byte buffer checks. */
  private byte[] copy(ByteBuf in, int start, int end) {
    w = WORK.get();
    if (w.scratch.length < end - start) {
      w.scratch = new byte[Math.max(end - start, 2 * w.scratch.length)];
    }
    in.getBytes(start, w.scratch, 0, end - start);
    return w.scratch;
  }

  private static int indexOf(byte[] b, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private int request(ByteBuf in, int start, int end) {
    byte[] b = copy(in, start, end);
    int len = end - start;
    int lf = indexOf(b, 0, len, LF);
    int lineEnd = lf - 1;
    if (b[lineEnd] != CR || lineEnd >= maxLine - MARGIN) {
      return UNSUPPORTED;
    }
    int p = 0;
    while (p < lineEnd && b[p] >= 'A' && b[p] <= 'Z') {
      p++;
    }
    int methodEnd = p;
    if (methodEnd == 0 || methodEnd > 20 || p >= lineEnd || b[p] != ' ') {
      return UNSUPPORTED;
    }
    p++;
    if (b[p] != '/') {
      return UNSUPPORTED; // absolute form, authority form, "*": the codec path handles them
    }
    int targetStart = p;
    while (p < lineEnd && b[p] > 0x20 && b[p] < 0x7f) {
      p++;
    }
    if (p == targetStart || lineEnd - p != 9 || !isVersion11(b, p + 1) || b[p] != ' ') {
      return UNSUPPORTED;
    }
    if (len - (lf + 1) > maxHeaderBytes - MARGIN) {
      return UNSUPPORTED;
    }
    int count = headers(b, lf + 1, len);
    if (count < 0) {
      return UNSUPPORTED;
    }
    int hosts = 0;
    int host = -1;
    int lengths = 0;
    long contentLength = -1;
    int encodings = 0;
    boolean keepAlive = true;
    boolean expectContinue = false;
    int xff = -1;
    int forwarded = -1;
    boolean requestId = false;
    for (int i = 0; i < count; i++) {
      int base = i * Head.STRIDE;
      int vs = w.fields[base + 2];
      int ve = w.fields[base + 3];
      switch (w.fields[base] & 0xff) {
        case HeaderKind.HOST -> {
          hosts++;
          host = i;
        }
        case HeaderKind.CONTENT_LENGTH -> {
          lengths++;
          contentLength = digits(b, vs, ve);
          if (contentLength < 0) {
            return UNSUPPORTED;
          }
        }
        case HeaderKind.TRANSFER_ENCODING -> {
          encodings++;
          if (!equalsLower(b, vs, ve, "chunked")) {
            return UNSUPPORTED;
          }
        }
        case HeaderKind.CONNECTION -> {
          int c = connectionTokens(b, vs, ve);
          if ((c & TOKEN_OTHER) != 0) {
            return UNSUPPORTED; // names headers to drop: the codec path does that
          }
          if ((c & TOKEN_CLOSE) != 0) {
            keepAlive = false;
          }
        }
        case HeaderKind.UPGRADE, HeaderKind.HTTP2_SETTINGS, HeaderKind.UNDERSCORED -> {
          return UNSUPPORTED;
        }
        case HeaderKind.EXPECT -> {
          if (!equalsLower(b, vs, ve, "100-continue")) {
            return UNSUPPORTED;
          }
          expectContinue = true;
        }
        case HeaderKind.X_FORWARDED_FOR -> xff = xff < 0 ? i : xff;
        case HeaderKind.FORWARDED -> forwarded = forwarded < 0 ? i : forwarded;
        case HeaderKind.REQUEST_ID -> requestId = true;
        default -> {}
      }
    }
    if (hosts != 1
        || w.fields[host * Head.STRIDE + 2] == w.fields[host * Head.STRIDE + 3]
        || lengths > 1
        || encodings > 1
        || (lengths == 1 && encodings == 1)) {
      return UNSUPPORTED;
    }
    ByteBuf bytes = in.retainedSlice(start, len);
    in.readerIndex(end);
    int hostStart = w.fields[host * Head.STRIDE + 2];
    String hostValue =
        new String(
            b,
            hostStart,
            w.fields[host * Head.STRIDE + 3] - hostStart,
            java.nio.charset.StandardCharsets.ISO_8859_1);
    request =
        new RequestHead(
            bytes,
            lineEnd,
            java.util.Arrays.copyOf(w.fields, count * Head.STRIDE),
            count,
            methodEnd,
            hostValue,
            encodings == 1 ? -1 : contentLength,
            encodings == 1,
            keepAlive,
            expectContinue,
            xff,
            forwarded,
            requestId);
    return DONE;
  }

  private int response(ByteBuf in, int start, int end, boolean headRequest) {
    byte[] b = copy(in, start, end);
    int len = end - start;
    int lf = indexOf(b, 0, len, LF);
    int lineEnd = lf - 1;
    if (lineEnd < 12 || b[lineEnd] != CR || lineEnd > MAX_STATUS_LINE) {
      return MALFORMED; // (a head that starts with its empty line: found by differential testing)
    }
    if (lineEnd < 12 || !startsWithHttp1(b, 0) || b[8] != ' ' || (lineEnd > 12 && b[12] != ' ')) {
      return MALFORMED;
    }
    boolean http10 = b[7] == '0';
    int status = 0;
    for (int i = 9; i < 12; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return MALFORMED;
      }
      status = status * 10 + (b[i] - '0');
    }
    if (status < 100 || len - (lf + 1) > maxHeaderBytes) {
      return MALFORMED;
    }
    for (int i = 13; i < lineEnd; i++) {
      byte c = b[i]; // reason-phrase: HTAB, SP, VCHAR, obs-text; a bare CR would split the head
      if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) {
        return MALFORMED;
      }
    }
    int count = headers(b, lf + 1, len);
    if (count < 0) {
      return MALFORMED;
    }
    long contentLength = -1;
    boolean chunked = false;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean listed = false;
    for (int i = 0; i < count; i++) {
      int base = i * Head.STRIDE;
      int vs = w.fields[base + 2];
      int ve = w.fields[base + 3];
      switch (w.fields[base] & 0xff) {
        case HeaderKind.CONTENT_LENGTH -> {
          long n = digits(b, vs, ve);
          if (n < 0 || (contentLength >= 0 && n != contentLength)) {
            return MALFORMED;
          }
          contentLength = n;
        }
        case HeaderKind.TRANSFER_ENCODING -> {
          if (!equalsLower(b, vs, ve, "chunked") || chunked) {
            return MALFORMED;
          }
          chunked = true;
        }
        case HeaderKind.CONNECTION -> {
          int c = connectionTokens(b, vs, ve);
          close |= (c & TOKEN_CLOSE) != 0;
          keepAliveToken |= (c & TOKEN_KEEP_ALIVE) != 0;
          listed |= (c & TOKEN_OTHER) != 0;
        }
        default -> {}
      }
    }
    BodyFraming.Mode framing;
    if (headRequest || status < 200 || status == 204 || status == 304) {
      framing = BodyFraming.Mode.NONE;
    } else if (chunked) {
      framing = BodyFraming.Mode.CHUNKED;
      contentLength = -1;
    } else if (contentLength >= 0) {
      framing = BodyFraming.Mode.LENGTH;
    } else {
      framing = BodyFraming.Mode.UNTIL_CLOSE;
    }
    boolean keepAlive =
        framing != BodyFraming.Mode.UNTIL_CLOSE && !close && (!http10 || keepAliveToken);
    ByteBuf bytes = in.retainedSlice(start, len);
    in.readerIndex(end);
    response =
        new ResponseHead(
            bytes,
            lineEnd,
            java.util.Arrays.copyOf(w.fields, count * Head.STRIDE),
            count,
            status,
            framing,
            contentLength,
            keepAlive,
            listed,
            chunked);
    return DONE;
  }

  /**
   * Parses the header lines in {@code [from, end)} (the last is the empty line) into the thread's
   * fields; returns the count, or -1 for a line that is not a plain {@code token ":" OWS value OWS
   * CRLF}.
   */
  private int headers(byte[] b, int from, int end) {
    int count = 0;
    int p = from;
    while (p < end - 2) {
      int lf = indexOf(b, p, end, LF);
      int cr = lf - 1;
      if (b[cr] != CR) {
        return -1;
      }
      int q = p;
      while (q < cr && TOKEN[b[q] & 0xff]) {
        q++;
      }
      if (q == p || q == cr || b[q] != ':') {
        return -1; // empty name, obs-fold, whitespace before the colon, a non-token byte
      }
      int nameEnd = q;
      q++;
      while (q < cr && isOws(b[q])) {
        q++;
      }
      int vs = q;
      int ve = q;
      for (; q < cr; q++) {
        byte c = b[q];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          return -1;
        }
        if (!isOws(c)) {
          ve = q + 1;
        }
      }
      if (count == MAX_FIELDS) {
        return -1;
      }
      if ((count + 1) * Head.STRIDE > w.fields.length) {
        w.fields = java.util.Arrays.copyOf(w.fields, w.fields.length * 2);
      }
      int f = count * Head.STRIDE;
      w.fields[f] = HeaderKind.of(b, p, nameEnd - p) | (nameEnd - p) << 8;
      w.fields[f + 1] = p;
      w.fields[f + 2] = vs;
      w.fields[f + 3] = ve;
      count++;
      p = lf + 1;
    }
    return count;
  }

  private static boolean isOws(byte b) {
    return b == ' ' || b == '\t';
  }

  private static boolean isVersion11(byte[] b, int p) {
    return startsWithHttp1(b, p) && b[p + 7] == '1';
  }

  private static boolean startsWithHttp1(byte[] b, int p) {
    return b[p] == 'H'
        && b[p + 1] == 'T'
        && b[p + 2] == 'T'
        && b[p + 3] == 'P'
        && b[p + 4] == '/'
        && b[p + 5] == '1'
        && b[p + 6] == '.'
        && (b[p + 7] == '1' || b[p + 7] == '0');
  }

  /** Decimal digits only, at most 18 of them; else -1. */
  static long digits(byte[] b, int from, int to) {
    if (from == to || to - from > 18) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return -1;
      }
      n = n * 10 + (b[i] - '0');
    }
    return n;
  }

  static boolean equalsLower(byte[] b, int from, int to, String lower) {
    if (to - from != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      if (lower(b[from + i]) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static final int TOKEN_CLOSE = 1;
  static final int TOKEN_KEEP_ALIVE = 2;
  static final int TOKEN_OTHER = 4;

  /** The tokens of a {@code Connection} value, as flags. */
  static int connectionTokens(byte[] b, int from, int to) {
    int flags = 0;
    int p = from;
    while (p < to) {
      int comma = indexOf(b, p, to, (byte) ',');
      int e = comma < 0 ? to : comma;
      int s = p;
      while (s < e && isOws(b[s])) {
        s++;
      }
      int t = e;
      while (t > s && isOws(b[t - 1])) {
        t--;
      }
      if (t > s) {
        if (equalsLower(b, s, t, "close")) {
          flags |= TOKEN_CLOSE;
        } else if (equalsLower(b, s, t, "keep-alive")) {
          flags |= TOKEN_KEEP_ALIVE;
        } else {
          flags |= TOKEN_OTHER;
        }
      }
      p = e + 1;
    }
    return flags;
  }
}
