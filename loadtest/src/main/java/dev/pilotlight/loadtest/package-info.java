/** Load generation and scaling observation (grows with the load-test issue). */
package dev.pilotlight.loadtest;
