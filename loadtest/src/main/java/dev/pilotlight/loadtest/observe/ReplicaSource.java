package dev.pilotlight.loadtest.observe;

import java.io.IOException;

/** Where replica counts come from: a local Pilotlight's admin endpoint or the Kubernetes API. */
public interface ReplicaSource extends AutoCloseable {
  /**
   * The current counts.
   *
   * @throws IOException the source cannot be reached or answered badly
   * @throws IllegalArgumentException nothing observed has the name asked for
   */
  Replicas read() throws IOException;

  /** Where the counts come from, for messages, e.g. {@code admin 127.0.0.1:9090 "hello"}. */
  String describe();

  @Override
  default void close() {}
}
