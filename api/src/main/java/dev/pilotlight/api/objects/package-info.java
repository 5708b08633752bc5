/**
 * Reading watched objects whatever holds them: an {@link dev.pilotlight.api.objects.ObjectSource}
 * is a cache of one kind with change handlers, over a fabric8 informer on a cluster ({@link
 * dev.pilotlight.api.objects.InformerSource}) or over local mode's object store, so a shell (the
 * gateway feed, the autoscaler's) is the same class in both modes.
 */
package dev.pilotlight.api.objects;
