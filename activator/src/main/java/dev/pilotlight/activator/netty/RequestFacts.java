package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.http1.RequestHead;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * What an exchange needs to know of the client's request, taken from its head before the head is
 * rewritten for the instance.
 *
 * @param idempotent the method may be sent again ({@link ExchangeRetry})
 * @param bodyless no body follows the head
 * @param expectsContinue the client waits for {@code 100 Continue} before sending its body
 * @param keepAlive the client's connection stays open after the response
 * @param http10 an HTTP/1.0 request (answered in HTTP/1.0)
 * @param head a HEAD request (a response without body)
 * @param passThrough the request came by the pass-through path (no body parts follow a bodyless
 *     head there, and a gateway-made answer to a HEAD request leaves its body out here)
 */
record RequestFacts(
    boolean idempotent,
    boolean bodyless,
    boolean expectsContinue,
    boolean keepAlive,
    boolean http10,
    boolean head,
    boolean passThrough) {

  static RequestFacts of(RequestHead h) {
    return new RequestFacts(
        h.idempotent(), h.bodyless(), h.expectContinue(), h.keepAlive(), false, h.isHead(), true);
  }

  static RequestFacts of(HttpRequest r) {
    HttpMethod m = r.method();
    return new RequestFacts(
        m.equals(HttpMethod.GET)
            || m.equals(HttpMethod.HEAD)
            || m.equals(HttpMethod.OPTIONS)
            || m.equals(HttpMethod.PUT)
            || m.equals(HttpMethod.DELETE)
            || m.equals(HttpMethod.TRACE),
        !HttpUtil.isTransferEncodingChunked(r) && HttpUtil.getContentLength(r, 0L) == 0,
        HttpUtil.is100ContinueExpected(r),
        HttpUtil.isKeepAlive(r),
        r.protocolVersion().equals(HttpVersion.HTTP_1_0),
        m.equals(HttpMethod.HEAD),
        false);
  }
}
