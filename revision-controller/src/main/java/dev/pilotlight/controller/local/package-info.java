/**
 * The local control loop: desired state from manifest files, revisions, routes, scale and instances
 * in one JVM.
 */
package dev.pilotlight.controller.local;
