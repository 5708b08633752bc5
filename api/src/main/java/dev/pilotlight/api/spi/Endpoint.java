package dev.pilotlight.api.spi;

/** One ready instance of a revision: where to send requests. {@code id} is unique per instance. */
public record Endpoint(String id, String host, int port, InstanceClass instanceClass) {}
