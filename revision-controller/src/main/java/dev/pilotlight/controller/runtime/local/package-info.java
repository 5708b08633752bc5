/**
 * The local runtime: revision instances as supervised OS processes on this machine, or as
 * containers of their image through Podman or Docker, one pod per instance (see {@link
 * dev.pilotlight.controller.runtime.local.PodPlans}); the image resolved once per revision ({@code
 * ImagePuller}); their env from ConfigMaps, Secrets and fields ({@code EnvResolver}) and their
 * volumes laid out under the state directory ({@code VolumeLayout}, {@code VolumeFiles}).
 */
package dev.pilotlight.controller.runtime.local;
