/** The sample app: a tiny HTTP server for examples, tests and benchmarks. */
package dev.pilotlight.cli.sample;
