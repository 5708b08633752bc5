package dev.pilotlight.activator.http1;

import java.nio.charset.StandardCharsets;

/**
 * The header names the gateway acts on, told apart while a head is parsed (by length, then bytes
 * ignoring case), so nothing downstream compares names again.
 */
public final class HeaderKind {
  public static final int OTHER = 0;
  public static final int HOST = 1;
  public static final int CONTENT_LENGTH = 2;
  public static final int TRANSFER_ENCODING = 3;
  public static final int CONNECTION = 4;
  public static final int UPGRADE = 5;
  public static final int EXPECT = 6;

  /** Hop-by-hop headers with no further meaning here (RFC 9110 7.6.1 and the usual extras). */
  public static final int HOP_BY_HOP = 7;

  public static final int HTTP2_SETTINGS = 8;
  public static final int X_FORWARDED_FOR = 9;
  public static final int X_FORWARDED_PROTO = 10;
  public static final int X_FORWARDED_HOST = 11;
  public static final int FORWARDED = 12;
  public static final int REQUEST_ID = 13;

  /** A response header the gateway sets itself (the instance's own value is dropped). */
  public static final int GATEWAY_SET = 14;

  /**
   * A name with {@code _} that reads as one of the names above when {@code _} is taken for {@code
   * -}, as CGI, WSGI and Rack backends take it ({@code Transfer_Encoding}, {@code
   * X_Forwarded_For}): such a header would mean to the instance what the gateway did not act on, so
   * requests with one are refused (nginx ignores them by default, {@code underscores_in_headers
   * off}).
   */
  public static final int UNDERSCORED = 15;

  private static final String[] NAMES = {
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "expect",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "http2-settings",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "forwarded",
    "x-request-id",
    "x-pilotlight-revision",
    "x-pilotlight-instance-class"
  };
  private static final int[] KINDS = {
    HOST,
    CONTENT_LENGTH,
    TRANSFER_ENCODING,
    CONNECTION,
    UPGRADE,
    EXPECT,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HTTP2_SETTINGS,
    X_FORWARDED_FOR,
    X_FORWARDED_PROTO,
    X_FORWARDED_HOST,
    FORWARDED,
    REQUEST_ID,
    GATEWAY_SET,
    GATEWAY_SET
  };
  private static final int MAX = 32;

  /** Per name length: the candidate names (lower case bytes) and their kinds. */
  private static final byte[][][] BY_LENGTH = new byte[MAX][][];

  private static final int[][] KINDS_BY_LENGTH = new int[MAX][];

  static {
    for (int len = 0; len < MAX; len++) {
      int n = 0;
      for (String s : NAMES) {
        if (s.length() == len) {
          n++;
        }
      }
      BY_LENGTH[len] = new byte[n][];
      KINDS_BY_LENGTH[len] = new int[n];
      int k = 0;
      for (int i = 0; i < NAMES.length; i++) {
        if (NAMES[i].length() == len) {
          BY_LENGTH[len][k] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
          KINDS_BY_LENGTH[len][k++] = KINDS[i];
        }
      }
    }
  }

  private HeaderKind() {}

  /** The kind of the name in {@code b[from, from + len)}, a valid token. */
  static int of(byte[] b, int from, int len) {
    if (len >= MAX) {
      return OTHER;
    }
    byte[][] candidates = BY_LENGTH[len];
    outer:
    for (int c = 0; c < candidates.length; c++) {
      byte[] name = candidates[c];
      for (int k = 0; k < len; k++) {
        if (folded(b[from + k]) != name[k]) {
          continue outer;
        }
      }
      for (int k = 0; k < len; k++) {
        if (b[from + k] == '_') {
          return UNDERSCORED;
        }
      }
      return KINDS_BY_LENGTH[len][c];
    }
    return OTHER;
  }

  /**
   * The kind of a header name (any case) on the codec path; {@link #UNDERSCORED} for a name that
   * reads as one the gateway acts on with {@code _} taken for {@code -}.
   */
  public static int of(CharSequence name) {
    int len = name.length();
    if (len >= MAX) {
      return OTHER;
    }
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      char c = name.charAt(i);
      if (c > 0x7f) {
        return OTHER;
      }
      b[i] = (byte) c;
    }
    return of(b, 0, len);
  }

  /** Lower case, and {@code _} read as {@code -} (none of the names has {@code _}). */
  private static int folded(byte b) {
    return b == '_' ? '-' : HeadParser.lower(b);
  }
}
