package dev.pilotlight.api.spi;

/** Receives endpoint changes per revision. Called from the controller's threads; must not block. */
public interface EndpointsListener {
  void onEndpoints(RevisionEndpoints endpoints);

  /** The revision no longer exists: fail what is held for it. */
  void onRevisionRemoved(RevisionKey revision);
}
