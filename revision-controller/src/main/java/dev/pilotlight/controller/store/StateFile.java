package dev.pilotlight.controller.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The store's file, {@code <state-dir>/objects.json}: every object as the store holds it, and the
 * last resourceVersion given out. Written whole each time to a temporary file that is synced, then
 * renamed over the previous one and the directory synced, so the file is always one complete state:
 * a crash mid-write leaves the previous file (and a temporary one, removed at the next start).
 * Owner-only permissions where the file system has them (templates may carry secrets).
 */
final class StateFile {
  static final String FORMAT = "pilotlight.dev/object-store/v1";
  static final String NAME = "objects.json";

  private final Path dir;
  private final Path file;
  private final Path tmp;
  private final UnaryOperator<OutputStream> faults;

  /** What the file holds. */
  record Snapshot(long resourceVersion, List<ObjectNode> objects) {}

  StateFile(Path dir) {
    this(dir, UnaryOperator.identity());
  }

  /**
   * @param faults wraps the temporary file's stream (tests make it fail mid-write)
   */
  StateFile(Path dir, UnaryOperator<OutputStream> faults) {
    this.dir = dir;
    this.file = dir.resolve(NAME);
    this.tmp = dir.resolve(NAME + ".tmp");
    this.faults = faults;
  }

  Path file() {
    return file;
  }

  /** The state last written, empty when there is none; a torn temporary file is removed. */
  Snapshot read(ObjectMapper json) {
    try {
      Files.deleteIfExists(tmp);
      if (!Files.exists(file)) {
        return new Snapshot(0, List.of());
      }
      JsonNode root = json.readTree(file.toFile());
      if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
        throw new IllegalStateException(
            "cannot read object store "
                + file
                + ": not a file of this store (expected: format "
                + FORMAT
                + ")");
      }
      List<ObjectNode> objects = new ArrayList<>();
      Iterator<JsonNode> items = root.path("objects").elements();
      while (items.hasNext()) {
        JsonNode o = items.next();
        if (!o.isObject()) {
          throw new IllegalStateException(
              "cannot read object store " + file + ": an entry of objects is not an object");
        }
        objects.add((ObjectNode) o);
      }
      return new Snapshot(root.path("resourceVersion").asLong(0), objects);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read object store " + file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the file with these objects (their JSON as held), durably, or throws. */
  void write(long resourceVersion, Iterable<String> objects) throws IOException {
    Files.createDirectories(dir);
    try {
      try (FileChannel channel = open(tmp);
          Writer out =
              new BufferedWriter(
                  new OutputStreamWriter(
                      faults.apply(Channels.newOutputStream(channel)), StandardCharsets.UTF_8),
                  1 << 16)) {
        out.write("{\"format\":\"" + FORMAT + "\",\"resourceVersion\":" + resourceVersion);
        out.write(",\"objects\":[");
        boolean first = true;
        for (String o : objects) {
          out.write(first ? "\n" : ",\n");
          out.write(o);
          first = false;
        }
        out.write("\n]}\n");
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    syncDirectory();
  }

  private static FileChannel open(Path path) throws IOException {
    Set<OpenOption> options =
        Set.of(
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      FileAttribute<?> ownerOnly =
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
      return FileChannel.open(path, options, ownerOnly);
    }
    return FileChannel.open(path, options);
  }

  /** Makes the rename durable; file systems that cannot open a directory are left as they are. */
  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform syncs a directory (Windows); the rename itself is atomic there
    }
  }
}
