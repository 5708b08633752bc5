package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.http1.BodyPart;
import dev.pilotlight.activator.http1.RequestHead;
import dev.pilotlight.activator.http1.ResponseHead;
import dev.pilotlight.api.spi.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;

/**
 * The pass-through path's wire: the request head rewritten as bytes ({@link
 * RawHeads#upstreamRequest}, once, written again on a retry), the body as it came (framing
 * included), the instance's response head rewritten as bytes for the client ({@link
 * ClientResponseBytes}) and its body as it came. To an h2c instance the request goes as objects
 * instead ({@link #toward}).
 */
final class PassThroughWire implements ExchangeWire {
  private final FrontendHandler frontend;
  private final RequestFacts facts;
  private RequestHead head;
  private ByteBuf upstreamHead;
  private ClientResponseBytes response;

  /** Takes {@code head} over. */
  PassThroughWire(RequestHead head, FrontendHandler frontend) {
    this.head = head;
    this.frontend = frontend;
    this.facts = RequestFacts.of(head);
  }

  @Override
  public RequestFacts facts() {
    return facts;
  }

  @Override
  public ExchangeWire toward(Protocol protocol) {
    if (protocol != Protocol.H2C) {
      return this;
    }
    ExchangeWire objects = CodecWire.of(head, facts, frontend);
    release();
    return objects;
  }

  @Override
  public boolean passThrough() {
    return true;
  }

  @Override
  public void held() {
    head.compact(); // let go of the buffer it was read into while it waits
  }

  @Override
  public void writeHead(Channel upstream) {
    if (upstreamHead == null) {
      upstreamHead =
          RawHeads.upstreamRequest(
              head, frontend.clientAddress(), frontend.forwardingCache(), upstream.alloc());
    }
    ((Http1ResponseDecoder) upstream.pipeline().first()).expect(facts.head());
    upstream.write(upstreamHead.retainedDuplicate(), upstream.voidPromise());
  }

  @Override
  public void endRequest(Channel upstream) {
    upstream.flush();
  }

  @Override
  public Object requestPart(Object part) {
    return ((BodyPart) part).content(); // the bytes as they came, framing included
  }

  @Override
  public void onResponse(Channel upstream, Object msg, Sink sink) {
    if (msg instanceof ResponseHead h) {
      try {
        if (h.status() == 101) {
          upstream.close(); // no upgrade was asked for on this path: as a broken connection
          return;
        }
        sink.responseStarted(h.status(), h.keepAlive());
        response =
            new ClientResponseBytes(
                h,
                sink.revision(),
                sink.endpoint(),
                sink.heldNanos(),
                facts.keepAlive() && !frontend.closeForDrain(),
                sink.client().alloc());
      } finally {
        h.release();
      }
    } else if (msg instanceof BodyPart part && response != null) {
      sink.responsePart(upstream, response.body(part), part.last());
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public ByteBuf takeClientHead() {
    return response == null ? null : response.takeHead();
  }

  @Override
  public boolean closesClient() {
    return false;
  }

  @Override
  public void release() {
    if (head != null) {
      head.release();
      head = null;
    }
    if (upstreamHead != null) {
      upstreamHead.release();
      upstreamHead = null;
    }
    if (response != null) {
      response.release(); // the response broke off before its body
    }
  }
}
