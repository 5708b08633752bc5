package dev.pilotlight.api.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Kubernetes ConfigMap or Secret as local mode holds it ({@code apiVersion: v1}): its kind, name,
 * namespace, its keys with their bytes (a ConfigMap's {@code data} and {@code binaryData}, a
 * Secret's decoded {@code data} with {@code stringData} over it), a Secret's {@code type} and
 * whether it is {@code immutable}. Keys are sorted; the bytes are copied in and out.
 */
public final class ConfigObject {
  /** Which of the two. */
  public enum Kind {
    CONFIG_MAP("ConfigMap", "configmap"),
    SECRET("Secret", "secret");

    private final String kind;
    private final String lower;

    Kind(String kind, String lower) {
      this.kind = kind;
      this.lower = lower;
    }

    /** As in a manifest's {@code kind}: ConfigMap, Secret. */
    public String kind() {
      return kind;
    }

    /** As Kubernetes names it in messages: configmap, secret. */
    public String lower() {
      return lower;
    }
  }

  /** An object's identity. */
  public record Key(Kind kind, String namespace, String name) {
    @Override
    public String toString() {
      return kind.kind() + " " + namespace + "/" + name;
    }
  }

  private final Key key;
  private final Map<String, byte[]> data;
  private final String type;
  private final boolean immutable;

  public ConfigObject(
      Kind kind,
      String namespace,
      String name,
      Map<String, byte[]> data,
      String type,
      boolean immutable) {
    this.key = new Key(Objects.requireNonNull(kind), namespace, name);
    TreeMap<String, byte[]> copy = new TreeMap<>();
    data.forEach((k, v) -> copy.put(k, v.clone()));
    this.data = Collections.unmodifiableMap(copy);
    this.type = type;
    this.immutable = immutable;
  }

  public Key key() {
    return key;
  }

  public Kind kind() {
    return key.kind();
  }

  public String namespace() {
    return key.namespace();
  }

  public String name() {
    return key.name();
  }

  /** A Secret's type ({@code Opaque} when unset); null for a ConfigMap. */
  public String type() {
    return type;
  }

  public boolean immutable() {
    return immutable;
  }

  /** The keys, sorted. */
  public java.util.Set<String> keys() {
    return data.keySet();
  }

  /** A key's bytes (a copy), or null when the object has no such key. */
  public byte[] value(String k) {
    byte[] b = data.get(k);
    return b == null ? null : b.clone();
  }

  /** The sum of the keys' sizes and values' sizes, as Kubernetes counts it against 1 MiB. */
  public long size() {
    long n = 0;
    for (Map.Entry<String, byte[]> e : data.entrySet()) {
      n += e.getKey().length() + e.getValue().length;
    }
    return n;
  }

  /** "Kind namespace/name", for messages. */
  public String describe() {
    return key.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ConfigObject c)) {
      return false;
    }
    if (!key.equals(c.key)
        || immutable != c.immutable
        || !Objects.equals(type, c.type)
        || !data.keySet().equals(c.data.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : data.entrySet()) {
      if (!Arrays.equals(e.getValue(), c.data.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = key.hashCode();
    for (Map.Entry<String, byte[]> e : data.entrySet()) {
      h = 31 * h + e.getKey().hashCode() + Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    return describe() + " " + data.keySet();
  }
}
