package dev.pilotlight.activator.netty;

import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * On a client connection on the pass-through path: encodes the responses the gateway writes as
 * objects (its own errors, {@code 100 Continue}, a response from an h2c instance) and lets the
 * proxied bytes, already HTTP/1.1, pass untouched.
 */
final class GatewayResponseEncoder extends HttpResponseEncoder {
  @Override
  public boolean acceptOutboundMessage(Object msg) throws Exception {
    return msg instanceof HttpObject && super.acceptOutboundMessage(msg);
  }
}
