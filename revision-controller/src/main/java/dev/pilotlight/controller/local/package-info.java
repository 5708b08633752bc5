/**
 * What only local mode has around the shared reconcilers: manifest files applied into the object
 * store as {@code kubectl apply} would ({@link dev.pilotlight.controller.local.ManifestApplier}),
 * and the event lines a user follows as the store changes ({@link
 * dev.pilotlight.controller.local.ObjectEvents}).
 */
package dev.pilotlight.controller.local;
