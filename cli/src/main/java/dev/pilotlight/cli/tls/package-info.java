/** The TLS port's wiring in {@code pilotlight local}: certificate files or a development CA. */
package dev.pilotlight.cli.tls;
