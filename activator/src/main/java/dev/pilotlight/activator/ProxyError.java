package dev.pilotlight.activator;

import io.netty.handler.codec.http.HttpResponseStatus;

/** The closed set of ways a request can fail at the gateway, each with one status and a reason. */
public enum ProxyError {
  UNKNOWN_HOST(HttpResponseStatus.NOT_FOUND, "no route for host"),
  QUEUE_FULL(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many requests waiting for capacity"),
  HOLD_TIMEOUT(HttpResponseStatus.SERVICE_UNAVAILABLE, "timed out waiting for capacity"),
  REVISION_REMOVED(HttpResponseStatus.SERVICE_UNAVAILABLE, "revision removed"),
  SHUTTING_DOWN(HttpResponseStatus.SERVICE_UNAVAILABLE, "gateway shutting down"),
  UPSTREAM_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream timed out"),
  UPSTREAM_CONNECT(HttpResponseStatus.BAD_GATEWAY, "upstream connection failed"),
  UPSTREAM_RESET(HttpResponseStatus.BAD_GATEWAY, "upstream closed the connection"),
  UPSTREAM_TOO_LARGE(HttpResponseStatus.BAD_GATEWAY, "upstream response too large"),
  URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long"),
  HEADERS_TOO_LARGE(
      HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large"),
  BODY_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large"),
  BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "malformed request"),
  REQUEST_HEAD_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "request head not received in time"),
  REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "request body not received in time"),
  MALFORMED_BODY(HttpResponseStatus.BAD_REQUEST, "malformed request body: invalid chunked framing"),
  TRANSFER_CODING_NOT_IMPLEMENTED(
      HttpResponseStatus.NOT_IMPLEMENTED,
      "transfer coding not implemented: a request body may only be chunked"),
  VERSION_NOT_SUPPORTED(
      HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
      "HTTP version not supported: HTTP/1.0 and HTTP/1.1 here, HTTP/2 by its own preface"),
  METHOD_NOT_ALLOWED(
      HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed: this is not a forward proxy");

  private final HttpResponseStatus status;
  private final String reason;

  ProxyError(HttpResponseStatus status, String reason) {
    this.status = status;
    this.reason = reason;
  }

  public HttpResponseStatus status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  /** Whether a client may retry soon (adds {@code Retry-After}). */
  public boolean retryable() {
    return status.code() == 503;
  }
}
