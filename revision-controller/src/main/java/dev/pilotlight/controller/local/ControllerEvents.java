package dev.pilotlight.controller.local;

/** User-facing events of the local controller (revision stamped, route refused, crash loop...). */
@FunctionalInterface
public interface ControllerEvents {
  void event(String message);

  /**
   * An event about one revision ({@code namespace/name}), which structured logs carry as a field;
   * by default the plain event.
   */
  default void revisionEvent(String revision, String message) {
    event(message);
  }
}
