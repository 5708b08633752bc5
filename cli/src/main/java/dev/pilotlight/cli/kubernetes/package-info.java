/** What the three Kubernetes components share: client options, leader election, health. */
package dev.pilotlight.cli.kubernetes;
