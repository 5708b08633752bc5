package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.http1.BodyFraming;
import dev.pilotlight.activator.http1.BodyPart;
import dev.pilotlight.activator.http1.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A pass-through request going to an h2c instance, whose stream speaks in HTTP objects: the head as
 * an {@link HttpRequest}, body parts as contents with the chunk framing taken out.
 */
final class RawToObjects {
  private final BodyFraming dechunker;

  RawToObjects(RequestHead head) {
    this.dechunker = head.chunked() ? new BodyFraming(BodyFraming.Mode.CHUNKED, 0) : null;
  }

  /** The head as the HTTP codec would have decoded it. */
  static HttpRequest request(RequestHead head) {
    HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    for (int i = 0; i < head.count(); i++) {
      h.add(head.name(i), head.value(i));
    }
    return new DefaultHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.valueOf(head.method()), head.target(), h);
  }

  /** A body part as a content (the last one a last content); takes over the part. */
  HttpContent content(BodyPart part) {
    ByteBuf raw = part.content();
    ByteBuf data = raw;
    if (dechunker != null) {
      CompositeByteBuf c = raw.alloc().compositeBuffer();
      dechunker.scan(
          raw,
          raw.readerIndex(),
          raw.writerIndex(),
          (index, length) -> c.addComponent(true, raw.retainedSlice(index, length)));
      part.release();
      data = c;
    }
    return part.last() ? new DefaultLastHttpContent(data) : new DefaultHttpContent(data);
  }
}
