/**
 * The local runtime: revision instances as supervised OS processes on this machine, or as
 * containers of their image through Podman or Docker, one pod per instance (see {@link
 * dev.pilotlight.controller.runtime.local.PodPlans}).
 */
package dev.pilotlight.controller.runtime.local;
