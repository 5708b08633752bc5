/**
 * The simulation's results as JSON and as HTML in the load test report's style: the Pareto chart of
 * cold-start ratio against cost with its frontier, and cold-start ratio by invocation frequency.
 */
package dev.pilotlight.simulator.report;
