/**
 * Plain-Java reconcile machinery: a deduplicating work queue, capped exponential backoff and the
 * loop that runs a reconciler over the queue's keys.
 */
package dev.pilotlight.controller.kubernetes.queue;
