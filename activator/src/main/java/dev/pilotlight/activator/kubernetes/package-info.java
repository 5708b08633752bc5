/**
 * The activator in Kubernetes mode: pure mappings from Routes, Revisions and EndpointSlices to the
 * gateway's route table and endpoints, and the informer shell that feeds them to the gateway.
 */
package dev.pilotlight.activator.kubernetes;
