/** `pilotlight local`: one JVM running gateway, autoscaler and controller over manifest files. */
package dev.pilotlight.cli.local;
