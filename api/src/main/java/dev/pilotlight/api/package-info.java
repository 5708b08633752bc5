/**
 * Pilotlight's shared vocabulary: the resource model, validation, manifests and the small
 * interfaces the components meet through.
 */
package dev.pilotlight.api;
