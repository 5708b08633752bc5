package dev.pilotlight.activator;

import dev.pilotlight.activator.netty.Transport;

/**
 * The transport the gateway tests run on: system property {@code pilotlight.test.transport} ({@code
 * auto} unless set; the build runs the socket-level tests a second time with {@code epoll}).
 */
public final class TestTransport {
  public static final Transport CHOSEN =
      Transport.parse(System.getProperty("pilotlight.test.transport", "auto"));

  private TestTransport() {}
}
