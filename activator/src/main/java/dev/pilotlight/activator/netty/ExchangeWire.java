package dev.pilotlight.activator.netty;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponse;

/**
 * How one exchange's messages look on its two connections, so that {@link ProxyExchange} drives
 * both paths alike: {@link PassThroughWire} (bytes both ways, heads parsed and rewritten in place)
 * and {@link CodecWire} (Netty's HTTP objects: the codec path, and any request to an h2c instance).
 * A wire owns the request's head and what it builds from it, and reads the instance's response,
 * telling the exchange through a {@link Sink}.
 */
interface ExchangeWire {
  RequestFacts facts();

  /**
   * The wire for an instance speaking {@code protocol}: this one, or one that takes this one's
   * request over (a pass-through request to an h2c instance goes as objects).
   */
  ExchangeWire toward(Protocol protocol);

  /** Whether upstream connections are pass-through ones (their decoder; pooled apart). */
  boolean passThrough();

  /** The request waits for capacity: let go of what it need not keep meanwhile. */
  void held();

  /** Writes the request head on {@code upstream}, unflushed. */
  void writeHead(Channel upstream);

  /**
   * Ends the request on {@code upstream}, flushed, when its body was read whole before this
   * connection was had (none, or a retried request that sent no body byte).
   */
  void endRequest(Channel upstream);

  /** A part of the request body as the instance's connection takes it (the part is taken over). */
  Object requestPart(Object part);

  /** A message read from {@code upstream}; the sink is told what it means. */
  void onResponse(Channel upstream, Object msg, Sink sink);

  /** A response head held back for the client until its body's first part, or null. */
  ByteBuf takeClientHead();

  /** Whether the client's connection must close after the response (its framing ends it). */
  boolean closesClient();

  /** The exchange is over: release what is held. */
  void release();

  /** What a wire needs of the exchange while reading a response, and what it tells it. */
  interface Sink {
    ChannelHandlerContext client();

    RevisionKey revision();

    Endpoint endpoint();

    /** Time the request waited for capacity, for {@code Server-Timing}. */
    long heldNanos();

    /** A response (not an interim one) began. */
    void responseStarted(int status, boolean upstreamKeepAlive);

    /** Something for the client, written now and flushed at the end of the read batch. */
    void clientWrite(Object msg);

    /** A part of the response body for the client; the last one ends the exchange. */
    void responsePart(Channel upstream, Object content, boolean last);

    /** The instance switched protocols (101) as the client asked. */
    void upgraded(Channel upstream, HttpResponse head);

    /** Bytes of the upgraded connection read before the tunnel is in place. */
    void tunnelBytes(ByteBuf bytes);
  }
}
