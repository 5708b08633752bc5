/** Load-test scenarios: the load, the waits around it, and what each one measures. */
package dev.pilotlight.loadtest.scenario;
