package dev.pilotlight.controller.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pilotlight.api.model.Revision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The revisions local mode has stamped, and which of them have ever been ready, kept in {@code
 * <state-dir>/revisions.json}. Written atomically (temp file, then rename) so a crash never leaves
 * a torn file; read once at start.
 */
public final class RevisionHistory {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private final Path file;

  /** The persisted form. {@code everReady} holds "namespace/name" keys. */
  public record Snapshot(List<Revision> revisions, Set<String> everReady) {
    public Snapshot {
      revisions = revisions == null ? List.of() : List.copyOf(revisions);
      everReady = everReady == null ? Set.of() : Set.copyOf(everReady);
    }
  }

  public RevisionHistory(Path stateDir) {
    this.file = stateDir.resolve("revisions.json");
  }

  public Path file() {
    return file;
  }

  public Snapshot load() {
    if (!Files.exists(file)) {
      return new Snapshot(List.of(), Set.of());
    }
    try {
      return JSON.readValue(file.toFile(), Snapshot.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read revision history " + file + ": " + e.getMessage(), e);
    }
  }

  public void save(List<Revision> revisions, Set<String> everReady) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(
          tmp.toFile(), new Snapshot(new ArrayList<>(revisions), new TreeSet<>(everReady)));
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write revision history " + file + ": " + e.getMessage(), e);
    }
  }
}
