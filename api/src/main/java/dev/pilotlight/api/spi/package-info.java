/**
 * The small interfaces the components meet through. The controller publishes the route table and
 * endpoints to the activator and scaling targets to the autoscaler; the activator reports stats and
 * pokes to the autoscaler; the autoscaler publishes scale decisions to the controller. Local mode
 * wires them in-process; Kubernetes mode carries them over the API server and one HTTP stat stream.
 */
package dev.pilotlight.api.spi;
