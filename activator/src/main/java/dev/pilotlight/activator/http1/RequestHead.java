package dev.pilotlight.activator.http1;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 request head in origin form that the pass-through path serves as it is: one {@code
 * Host}, framing by at most one of {@code Content-Length} or {@code Transfer-Encoding: chunked},
 * {@code Connection} naming only {@code close} or {@code keep-alive}, no {@code Upgrade}, {@code
 * Expect} only {@code 100-continue}. Anything else is left to the full codec ({@link
 * HeadParser#request}).
 */
public final class RequestHead extends Head {
  private final int methodEnd;
  private final String host;
  private final long contentLength;
  private final boolean chunked;
  private final boolean keepAlive;
  private final boolean expectContinue;
  private final int firstForwardedFor;
  private final int firstForwarded;
  private final boolean hasRequestId;

  RequestHead(
      ByteBuf bytes,
      int startLineEnd,
      int[] fields,
      int count,
      int methodEnd,
      String host,
      long contentLength,
      boolean chunked,
      boolean keepAlive,
      boolean expectContinue,
      int firstForwardedFor,
      int firstForwarded,
      boolean hasRequestId) {
    super(bytes, startLineEnd, fields, count);
    this.methodEnd = methodEnd;
    this.host = host;
    this.contentLength = contentLength;
    this.chunked = chunked;
    this.keepAlive = keepAlive;
    this.expectContinue = expectContinue;
    this.firstForwardedFor = firstForwardedFor;
    this.firstForwarded = firstForwarded;
    this.hasRequestId = hasRequestId;
  }

  /** The method, as sent. */
  public String method() {
    return bytes().toString(bytes().readerIndex(), methodEnd, StandardCharsets.US_ASCII);
  }

  /** The request target (origin form: path and query). */
  public String target() {
    int from = methodEnd + 1;
    int to = startLineEnd - " HTTP/1.1".length();
    return bytes().toString(bytes().readerIndex() + from, to - from, StandardCharsets.US_ASCII);
  }

  /** Length of the request line without its CRLF ("METHOD target HTTP/1.1"). */
  public int requestLineLength() {
    return startLineEnd;
  }

  public boolean isMethod(String m) {
    if (m.length() != methodEnd) {
      return false;
    }
    ByteBuf b = bytes();
    for (int i = 0; i < methodEnd; i++) {
      if (b.getByte(b.readerIndex() + i) != m.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  public boolean isHead() {
    return isMethod("HEAD");
  }

  /** GET, HEAD, OPTIONS, PUT, DELETE or TRACE: safe to send again (RFC 9110 9.2.2). */
  public boolean idempotent() {
    return isMethod("GET")
        || isMethod("HEAD")
        || isMethod("OPTIONS")
        || isMethod("PUT")
        || isMethod("DELETE")
        || isMethod("TRACE");
  }

  public String host() {
    return host;
  }

  /** The body's length, or -1 when chunked or absent. */
  public long contentLength() {
    return contentLength;
  }

  public boolean chunked() {
    return chunked;
  }

  /** No body: neither chunked nor a positive Content-Length. */
  public boolean bodyless() {
    return !chunked && contentLength <= 0;
  }

  /** The client keeps the connection after this request (no {@code Connection: close}). */
  public boolean keepAlive() {
    return keepAlive;
  }

  public boolean expectContinue() {
    return expectContinue;
  }

  /** Index of the first {@code X-Forwarded-For} header, or -1. */
  public int firstForwardedFor() {
    return firstForwardedFor;
  }

  /** Index of the first {@code Forwarded} header, or -1. */
  public int firstForwarded() {
    return firstForwarded;
  }

  public boolean hasRequestId() {
    return hasRequestId;
  }

  @Override
  public RequestHead touch(Object hint) {
    super.touch(hint);
    return this;
  }
}
