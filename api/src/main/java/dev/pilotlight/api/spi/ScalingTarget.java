package dev.pilotlight.api.spi;

import dev.pilotlight.api.autoscaling.ScalingSpec;

/**
 * What the autoscaler scales, the local twin of Knative's PodAutoscaler.
 *
 * @param routed whether any route sends traffic to it; an unrouted revision may go to zero
 *     regardless of min-scale
 * @param readyInstances standard instances ready now
 */
public record ScalingTarget(
    RevisionKey revision, ScalingSpec spec, boolean routed, int readyInstances) {}
