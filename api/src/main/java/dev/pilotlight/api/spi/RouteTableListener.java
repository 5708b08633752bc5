package dev.pilotlight.api.spi;

/** Receives every new route table. Called from the controller's thread; must not block. */
@FunctionalInterface
public interface RouteTableListener {
  void onRouteTable(RouteTable table);
}
