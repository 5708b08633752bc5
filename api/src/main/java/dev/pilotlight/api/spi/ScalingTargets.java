package dev.pilotlight.api.spi;

/** The controller's handle on the autoscaler. Implementations must not block the caller. */
public interface ScalingTargets {
  void upsert(ScalingTarget target);

  void remove(RevisionKey revision);
}
