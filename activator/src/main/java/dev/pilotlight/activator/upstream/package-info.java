/** Keep-alive connection pools to instances, per event loop. */
package dev.pilotlight.activator.upstream;
