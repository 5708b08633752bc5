/**
 * The one executable: `pilotlight local`, `status`, `validate`, `sample-app`; all wiring lives
 * here.
 */
package dev.pilotlight.cli;
