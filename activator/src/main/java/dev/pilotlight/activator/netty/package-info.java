/** Netty pipeline: initializer, handler names, frontend and backend handlers. */
package dev.pilotlight.activator.netty;
