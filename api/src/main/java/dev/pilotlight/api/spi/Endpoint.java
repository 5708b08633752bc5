package dev.pilotlight.api.spi;

/**
 * One instance of a revision: where to send requests (or, while it starts, where to probe it).
 * {@code id} is unique per instance; an instance restarted on another port is another endpoint.
 */
public record Endpoint(String id, String host, int port, InstanceClass instanceClass) {}
