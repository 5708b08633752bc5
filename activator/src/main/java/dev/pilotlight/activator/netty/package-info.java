/**
 * Netty pipeline: initializer, handler names, frontend and backend handlers; HTTP/2 cleartext from
 * clients ({@link dev.pilotlight.activator.netty.H2Frontend}) and to h2c instances ({@link
 * dev.pilotlight.activator.netty.H2Upstream}), both feeding the same proxy exchange.
 */
package dev.pilotlight.activator.netty;
