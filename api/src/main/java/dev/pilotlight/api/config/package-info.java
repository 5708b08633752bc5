/**
 * Knative's serving ConfigMaps other than the autoscaler's: {@code config-features} (which pod spec
 * fields a revision template may carry) and {@code config-defaults} (timeouts, concurrency, default
 * resources), read with Knative's keys; stock files with their {@code _example} key are accepted.
 */
package dev.pilotlight.api.config;
