/** The send schedule: phases of rates over time, as a pure function. */
package dev.pilotlight.loadtest.schedule;
