/**
 * HTTP/1.1 heads and body framing read in place from bytes, for the proxy's pass-through path: no
 * header objects, no re-encoding, only offsets into the bytes as they arrived.
 */
package dev.pilotlight.activator.http1;
