package dev.pilotlight.loadtest.observe;

/**
 * Instances of what is observed (a service, configuration or revision; summed over revisions).
 *
 * @param desired standard instances the autoscaler wants
 * @param ready standard instances ready now
 * @param reserve pilot-light (reserve) instances ready now
 */
public record Replicas(int desired, int ready, int reserve) {}
