/** Replica counts sampled while a load test runs, from local Pilotlight or Kubernetes. */
package dev.pilotlight.loadtest.observe;
