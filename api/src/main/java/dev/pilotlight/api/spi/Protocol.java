package dev.pilotlight.api.spi;

/**
 * The protocol an instance speaks on its port, named as Knative names container ports: {@code h2c}
 * is HTTP/2 over cleartext with prior knowledge (what gRPC servers speak); anything else (unnamed,
 * or {@code http1}) is HTTP/1.1.
 */
public enum Protocol {
  /** HTTP/1.1 (the default). */
  HTTP1,
  /** HTTP/2 cleartext, prior knowledge: the instance is sent the HTTP/2 preface at once. */
  H2C;

  /** The protocol of a container port named {@code name} (null: unnamed, HTTP/1.1). */
  public static Protocol ofPortName(String name) {
    return "h2c".equals(name) ? H2C : HTTP1;
  }
}
