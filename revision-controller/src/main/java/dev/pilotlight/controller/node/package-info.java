/**
 * Local mode's node agent: what the kubelet and the EndpointSlice controller are on a cluster. It
 * realizes the Deployments in the object store through a {@link
 * dev.pilotlight.controller.runtime.WorkloadRuntime} and writes back what runs: the Deployments'
 * status, one Pod and one EndpointSlice per instance. {@link
 * dev.pilotlight.controller.node.NodeObjects} and {@link
 * dev.pilotlight.controller.node.ReserveDrain} are its pure parts; {@link
 * dev.pilotlight.controller.node.NodeAgent} the shell.
 */
package dev.pilotlight.controller.node;
