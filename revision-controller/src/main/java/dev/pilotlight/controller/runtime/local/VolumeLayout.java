package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.model.ConfigObject;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Pure planning of an instance's volumes, as the kubelet lays them out: a {@code configMap} or
 * {@code secret} volume holds a file per key (or per listed {@code items}, at their {@code path},
 * with their {@code mode}, else the volume's {@code defaultMode}, else 0644); a {@code projected}
 * one the files of its configMap and secret sources in order; an {@code emptyDir} starts empty, in
 * memory (tmpfs, {@code sizeLimit} its size) with {@code medium: Memory}. A missing object or key
 * that is not {@code optional} is an {@link EnvResolver.ConfigError} with the kubelet's message; an
 * optional missing object gives an empty volume. {@link #mountArgs} turns the serving container's
 * {@code volumeMounts} into the engine's {@code run} arguments.
 */
final class VolumeLayout {
  static final int DEFAULT_MODE = 0644;

  private VolumeLayout() {}

  /** A file of a volume: its bytes and permission bits. */
  record FileEntry(byte[] content, int mode) {
    @Override
    public boolean equals(Object o) {
      return o instanceof FileEntry f && mode == f.mode && Arrays.equals(content, f.content);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(content) + mode;
    }

    @Override
    public String toString() {
      return content.length + " bytes, mode " + Integer.toOctalString(mode);
    }
  }

  /**
   * One volume as planned: files by relative path (configMap, secret, projected), or an empty dir.
   *
   * @param files relative path to file, sorted; empty for an emptyDir
   * @param memory an emptyDir of {@code medium: Memory}
   * @param sizeLimitBytes an emptyDir's sizeLimit, or -1
   * @param sources the objects it reads
   */
  record Planned(
      String name,
      boolean emptyDir,
      boolean memory,
      long sizeLimitBytes,
      Map<String, FileEntry> files,
      Set<ConfigObject.Key> sources) {}

  /** The keys of every ConfigMap and Secret the pod's volumes read. */
  static Set<ConfigObject.Key> sources(PodSpec pod, String namespace) {
    Set<ConfigObject.Key> out = new LinkedHashSet<>();
    for (Volume v : list(pod.getVolumes())) {
      if (v.getConfigMap() != null) {
        out.add(key(ConfigObject.Kind.CONFIG_MAP, namespace, v.getConfigMap().getName()));
      }
      if (v.getSecret() != null) {
        out.add(key(ConfigObject.Kind.SECRET, namespace, v.getSecret().getSecretName()));
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : list(v.getProjected().getSources())) {
          if (p.getConfigMap() != null) {
            out.add(key(ConfigObject.Kind.CONFIG_MAP, namespace, p.getConfigMap().getName()));
          }
          if (p.getSecret() != null) {
            out.add(key(ConfigObject.Kind.SECRET, namespace, p.getSecret().getName()));
          }
        }
      }
    }
    return out;
  }

  /** Every volume of the pod, planned against the objects now. */
  static List<Planned> plan(
      PodSpec pod, String namespace, Function<ConfigObject.Key, Optional<ConfigObject>> objects) {
    List<Planned> out = new ArrayList<>();
    for (Volume v : list(pod.getVolumes())) {
      out.add(plan(v, namespace, objects));
    }
    return out;
  }

  static Planned plan(
      Volume v, String namespace, Function<ConfigObject.Key, Optional<ConfigObject>> objects) {
    if (v.getEmptyDir() != null) {
      Quantity size = v.getEmptyDir().getSizeLimit();
      long bytes =
          size == null ? -1 : Quantity.getAmountInBytes(size).toBigInteger().longValueExact();
      return new Planned(
          v.getName(),
          true,
          "Memory".equals(v.getEmptyDir().getMedium()),
          bytes,
          Map.of(),
          Set.of());
    }
    Map<String, FileEntry> files = new TreeMap<>();
    Set<ConfigObject.Key> sources = new LinkedHashSet<>();
    if (v.getConfigMap() != null) {
      var s = v.getConfigMap();
      ConfigObject.Key k = key(ConfigObject.Kind.CONFIG_MAP, namespace, s.getName());
      sources.add(k);
      add(k, s.getItems(), mode(s.getDefaultMode()), bool(s.getOptional()), objects, files);
    } else if (v.getSecret() != null) {
      var s = v.getSecret();
      ConfigObject.Key k = key(ConfigObject.Kind.SECRET, namespace, s.getSecretName());
      sources.add(k);
      add(k, s.getItems(), mode(s.getDefaultMode()), bool(s.getOptional()), objects, files);
    } else if (v.getProjected() != null) {
      int defaultMode = mode(v.getProjected().getDefaultMode());
      for (VolumeProjection p : list(v.getProjected().getSources())) {
        if (p.getConfigMap() != null) {
          ConfigMapProjection s = p.getConfigMap();
          ConfigObject.Key k = key(ConfigObject.Kind.CONFIG_MAP, namespace, s.getName());
          sources.add(k);
          add(k, s.getItems(), defaultMode, bool(s.getOptional()), objects, files);
        } else if (p.getSecret() != null) {
          SecretProjection s = p.getSecret();
          ConfigObject.Key k = key(ConfigObject.Kind.SECRET, namespace, s.getName());
          sources.add(k);
          add(k, s.getItems(), defaultMode, bool(s.getOptional()), objects, files);
        } else {
          throw new EnvResolver.ConfigError(
              "volume " + v.getName() + ": only configMap and secret projections run locally");
        }
      }
    } else {
      throw new EnvResolver.ConfigError(
          "volume " + v.getName() + ": only emptyDir, configMap, secret and projected run locally");
    }
    return new Planned(
        v.getName(),
        false,
        false,
        -1,
        Collections.unmodifiableMap(files),
        Collections.unmodifiableSet(sources));
  }

  private static void add(
      ConfigObject.Key k,
      List<KeyToPath> items,
      int defaultMode,
      boolean optional,
      Function<ConfigObject.Key, Optional<ConfigObject>> objects,
      Map<String, FileEntry> files) {
    Optional<ConfigObject> o = objects.apply(k);
    if (o.isEmpty()) {
      if (optional) {
        return;
      }
      throw EnvResolver.notFound(k.kind(), k.name());
    }
    if (items == null || items.isEmpty()) {
      for (String key : o.get().keys()) {
        files.put(key, new FileEntry(o.get().value(key), defaultMode));
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = o.get().value(item.getKey());
      if (value == null) {
        if (optional) {
          continue;
        }
        throw new EnvResolver.ConfigError(
            (k.kind() == ConfigObject.Kind.CONFIG_MAP
                    ? "configmap references non-existent config key: "
                    : "secret references non-existent secret key: ")
                + item.getKey());
      }
      files.put(
          Path.of(item.getPath()).normalize().toString(),
          new FileEntry(value, item.getMode() != null ? item.getMode() : defaultMode));
    }
  }

  /**
   * The engine's {@code run} arguments for the serving container's mounts: a configMap, secret or
   * projected volume's directory bind-mounted read-only (its {@code subPath} the file or directory
   * inside; a file so mounted is not updated, as on Kubernetes; SELinux label {@code z}), a disk
   * emptyDir's directory read-write unless {@code readOnly}, a Memory emptyDir a tmpfs of its
   * sizeLimit.
   *
   * @param dirs each volume's directory on the host, by name
   */
  static List<String> mountArgs(Container c, List<Planned> volumes, Function<String, Path> dirs) {
    Map<String, Planned> byName = new LinkedHashMap<>();
    volumes.forEach(v -> byName.put(v.name(), v));
    List<String> args = new ArrayList<>();
    for (VolumeMount m : list(c.getVolumeMounts())) {
      Planned v = byName.get(m.getName());
      if (v == null) {
        throw new EnvResolver.ConfigError("volumeMount " + m.getName() + ": no such volume");
      }
      boolean readOnly = !v.emptyDir() || Boolean.TRUE.equals(m.getReadOnly());
      if (v.emptyDir() && v.memory()) {
        String arg = "--mount=type=tmpfs,destination=" + m.getMountPath();
        if (v.sizeLimitBytes() > 0) {
          arg += ",tmpfs-size=" + v.sizeLimitBytes();
        }
        if (readOnly) {
          arg += ",ro=true";
        }
        args.add(arg);
        continue;
      }
      Path host = dirs.apply(v.name());
      if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
        host = host.resolve(m.getSubPath()).normalize();
      }
      // z: relabelled for the container where SELinux is on, as the kubelet does; else ignored
      args.add("--volume=" + host + ":" + m.getMountPath() + (readOnly ? ":ro,z" : ":rw,z"));
    }
    return args;
  }

  private static ConfigObject.Key key(ConfigObject.Kind kind, String namespace, String name) {
    return new ConfigObject.Key(kind, namespace, name);
  }

  private static int mode(Integer m) {
    return m == null ? DEFAULT_MODE : m;
  }

  private static boolean bool(Boolean b) {
    return Boolean.TRUE.equals(b);
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
