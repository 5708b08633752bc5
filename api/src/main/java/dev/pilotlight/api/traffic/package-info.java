/** Traffic resolution: a route's traffic block to concrete (revision, percent, tag) targets. */
package dev.pilotlight.api.traffic;
