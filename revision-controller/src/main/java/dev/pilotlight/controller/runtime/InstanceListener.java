package dev.pilotlight.controller.runtime;

/**
 * Told of every change of a revision's observed instances, from the runtime's threads; must not
 * block.
 */
@FunctionalInterface
public interface InstanceListener {
  void onInstances(InstanceSet instances);
}
