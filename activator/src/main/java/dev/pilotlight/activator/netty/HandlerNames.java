package dev.pilotlight.activator.netty;

/** Pipeline handler names, in one place. */
public final class HandlerNames {
  public static final String CLIENT_TIMEOUTS = "client-timeouts";
  public static final String PRIOR_KNOWLEDGE = "prior-knowledge";
  public static final String HTTP1_DECODER = "http1-decoder";
  public static final String HTTP1_ENCODER = "http1-encoder";
  public static final String HTTP_CODEC = "http-codec";
  public static final String H2C_UPGRADE = "h2c-upgrade";
  public static final String H2_FLUSHES = "h2-flushes";
  public static final String H2_CODEC = "h2-codec";
  public static final String H2_MULTIPLEX = "h2-multiplex";
  public static final String H2_STREAM_ERRORS = "h2-stream-errors";
  public static final String H2_STREAM_CODEC = "h2-stream-codec";
  public static final String H2_ADAPTER = "h2-adapter";
  public static final String FLOW_CONTROL = "flow-control";
  public static final String TUNNEL = "tunnel";
  public static final String FRONTEND = "frontend";
  public static final String UPSTREAM_CODEC = "upstream-codec";
  public static final String BACKEND = "backend";

  private HandlerNames() {}
}
