package dev.pilotlight.api.spi;

import dev.pilotlight.api.autoscaling.ScalingSpec;

/**
 * What the autoscaler scales, the local twin of Knative's PodAutoscaler.
 *
 * @param routed Knative's reachability: false only for an Unreachable revision (no route sends
 *     traffic to it, and one did before: routingState "reserve"), which goes to zero regardless of
 *     min-scale, retention, scale-down delay and initial scale; a revision no route has taken yet
 *     (routingState "pending", reachability Unknown) counts as routed
 * @param readyInstances standard instances ready now
 */
public record ScalingTarget(
    RevisionKey revision, ScalingSpec spec, boolean routed, int readyInstances) {}
