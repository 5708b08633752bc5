/** The local runtime: revision instances as supervised OS processes on this machine. */
package dev.pilotlight.controller.runtime.local;
