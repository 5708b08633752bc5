/**
 * The activator in Kubernetes mode: the replicas of the gateway that share instances' capacity
 * (from the EndpointSlices of the activator's Service). The feed of routes and endpoints is {@link
 * dev.pilotlight.activator.feed.GatewayFeed#kubernetes}.
 */
package dev.pilotlight.activator.kubernetes;
