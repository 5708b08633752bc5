/** The activator: Pilotlight's Netty ingress gateway, holding queue and concurrency reporter. */
package dev.pilotlight.activator;
