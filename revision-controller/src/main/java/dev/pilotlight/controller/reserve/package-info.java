/** The pilot-light policy: when a revision runs its reserve instance, as a pure function. */
package dev.pilotlight.controller.reserve;
