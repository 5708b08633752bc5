/** The Netty load generator: open loop at a rate, closed loop at a concurrency. */
package dev.pilotlight.loadtest.generator;
