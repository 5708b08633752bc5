/** Host to revision: the route table and the weighted pick. */
package dev.pilotlight.activator.routing;
