package dev.pilotlight.activator.http1;

import io.netty.buffer.ByteBuf;

/**
 * An instance's response head as parsed ({@link HeadParser#response}): status, how its body is
 * framed, whether the connection may be reused, and the headers its {@code Connection} names.
 */
public final class ResponseHead extends Head {
  private final int status;
  private final BodyFraming.Mode framing;
  private final long contentLength;
  private final boolean keepAlive;
  private final boolean connectionListed;
  private final boolean chunked;

  ResponseHead(
      ByteBuf bytes,
      int startLineEnd,
      int[] fields,
      int count,
      int status,
      BodyFraming.Mode framing,
      long contentLength,
      boolean keepAlive,
      boolean connectionListed,
      boolean chunked) {
    super(bytes, startLineEnd, fields, count);
    this.status = status;
    this.framing = framing;
    this.contentLength = contentLength;
    this.keepAlive = keepAlive;
    this.connectionListed = connectionListed;
    this.chunked = chunked;
  }

  public int status() {
    return status;
  }

  /** How the body is delimited (NONE for HEAD, 1xx, 204, 304). */
  public BodyFraming.Mode framing() {
    return framing;
  }

  public long contentLength() {
    return contentLength;
  }

  /** The instance keeps the connection open after this response. */
  public boolean keepAlive() {
    return keepAlive;
  }

  /**
   * Offset of the status code in the status line ("HTTP/1.x " skipped): the client's status line is
   * "HTTP/1.1 " and the bytes from here.
   */
  public int statusOffset() {
    return "HTTP/1.1 ".length();
  }

  /** Offset of the end of the status line (its CR). */
  public int statusLineEnd() {
    return startLineEnd;
  }

  /** The instance sent {@code Transfer-Encoding: chunked} (framing or not, as for HEAD). */
  public boolean chunked() {
    return chunked;
  }

  /** Whether {@code Connection} names other headers, which are then hop-by-hop too. */
  public boolean connectionListsHeaders() {
    return connectionListed;
  }

  @Override
  public ResponseHead touch(Object hint) {
    super.touch(hint);
    return this;
  }
}
