/**
 * The autoscaler's shell: per-revision state, the tick loop on an injected scheduler, publishing.
 */
package dev.pilotlight.autoscaler.loop;
