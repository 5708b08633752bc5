/**
 * The activator's feed in both modes: pure mappings from Routes, Revisions and EndpointSlices to
 * the gateway's route table and endpoints, and {@link dev.pilotlight.activator.feed.GatewayFeed},
 * which feeds them to the gateway from object sources (informers on a cluster, the object store in
 * local mode).
 */
package dev.pilotlight.activator.feed;
