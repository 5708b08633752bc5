/**
 * The Knative-compatible resource model (Service, Configuration, Route, Revision) as immutable
 * records.
 */
package dev.pilotlight.api.model;
