/**
 * The pilot light's annotations ({@code pilotlight.dev/reserve-*}) and the validated reserve spec
 * they make, shared by both runtimes.
 */
package dev.pilotlight.api.reserve;
