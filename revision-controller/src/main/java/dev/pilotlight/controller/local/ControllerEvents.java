package dev.pilotlight.controller.local;

/** User-facing events of the local controller (revision stamped, route refused, crash loop...). */
@FunctionalInterface
public interface ControllerEvents {
  void event(String message);
}
