package dev.pilotlight.api.spi;

/** Receives decisions when they change. Called from the autoscaler's thread; must not block. */
@FunctionalInterface
public interface ScaleListener {
  void onDecision(ScaleDecision decision);
}
