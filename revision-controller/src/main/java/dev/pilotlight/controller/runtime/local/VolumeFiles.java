package dev.pilotlight.controller.runtime.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a configMap, secret or projected volume's files into its directory the way the kubelet's
 * atomic writer does, so a running container that has the directory mounted sees one version or the
 * next, never a mix: the files go into a new hidden directory {@code ..<version>}, the symlink
 * {@code ..data} is swapped to it by a rename, and each top-level name is a symlink through {@code
 * ..data} ({@code key -> ..data/key}); the old version is then removed. Writing what is already
 * there changes nothing.
 */
final class VolumeFiles {
  static final String DATA = "..data";
  private static final String DATA_TMP = "..data_tmp";

  private VolumeFiles() {}

  /** Writes {@code files} into {@code dir}; returns whether anything changed. */
  static boolean write(Path dir, Map<String, VolumeLayout.FileEntry> files, long version)
      throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve(DATA);
    if (Files.isSymbolicLink(data) && files.equals(read(data))) {
      return false;
    }
    Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    String name = "..v" + version;
    Path next = dir.resolve(name);
    for (int n = 1; Files.exists(next, LinkOption.NOFOLLOW_LINKS); n++) {
      name = "..v" + version + "_" + n;
      next = dir.resolve(name);
    }
    Files.createDirectory(next);
    for (Map.Entry<String, VolumeLayout.FileEntry> e : files.entrySet()) {
      Path file = next.resolve(e.getKey()).normalize();
      if (!file.startsWith(next)) {
        throw new IOException("path " + e.getKey() + " leaves the volume");
      }
      Files.createDirectories(file.getParent());
      Files.write(file, e.getValue().content());
      Files.setPosixFilePermissions(file, permissions(e.getValue().mode()));
    }
    Path tmp = dir.resolve(DATA_TMP);
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(name));
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Set<String> top = new LinkedHashSet<>();
    for (String path : files.keySet()) {
      top.add(Path.of(path).getName(0).toString());
    }
    for (String t : top) {
      Path link = dir.resolve(t);
      if (!Files.isSymbolicLink(link)) {
        try {
          Files.createSymbolicLink(link, Path.of(DATA).resolve(t));
        } catch (FileAlreadyExistsException raced) {
          // made meanwhile
        }
      }
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        if (!n.startsWith("..") && !top.contains(n)) {
          Files.deleteIfExists(p); // a key no longer there
        }
      }
    }
    if (previous != null && !previous.equals(next)) {
      delete(previous);
    }
    return true;
  }

  /** What a version directory holds now, by relative path. */
  static Map<String, VolumeLayout.FileEntry> read(Path version) throws IOException {
    Map<String, VolumeLayout.FileEntry> out = new HashMap<>();
    if (!Files.isDirectory(version)) {
      return out;
    }
    Path root = version.toRealPath();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(
              root.relativize(p).toString(),
              new VolumeLayout.FileEntry(
                  Files.readAllBytes(p), mode(Files.getPosixFilePermissions(p))));
        }
      }
    }
    return out;
  }

  /** Removes a directory tree; missing is fine. */
  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(bits[i]);
      }
    }
    return out;
  }

  static int mode(Set<PosixFilePermission> permissions) {
    int m = 0;
    for (int i = 0; i < 9; i++) {
      if (permissions.contains(permissions(1 << i).iterator().next())) {
        m |= 1 << i;
      }
    }
    return m;
  }
}
