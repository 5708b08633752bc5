package dev.pilotlight.activator.netty;

/** Pipeline handler names, in one place. */
public final class HandlerNames {
  public static final String HTTP_CODEC = "http-codec";
  public static final String FLOW_CONTROL = "flow-control";
  public static final String TUNNEL = "tunnel";
  public static final String FRONTEND = "frontend";
  public static final String UPSTREAM_CODEC = "upstream-codec";
  public static final String BACKEND = "backend";

  private HandlerNames() {}
}
