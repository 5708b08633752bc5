/**
 * Reading manifests: multi-document YAML of Service, Configuration and Route, Pilotlight's or
 * Knative's apiVersion.
 */
package dev.pilotlight.api.manifest;
