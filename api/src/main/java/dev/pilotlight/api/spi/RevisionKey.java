package dev.pilotlight.api.spi;

import java.util.Objects;

/** Identifies a revision across components: namespace and name. */
public record RevisionKey(String namespace, String name) implements Comparable<RevisionKey> {
  public RevisionKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(RevisionKey o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
