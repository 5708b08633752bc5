/**
 * The autoscaler: Knative's KPA model as a pure core, its windows, intake, tick loop and
 * publishing.
 */
package dev.pilotlight.autoscaler;
