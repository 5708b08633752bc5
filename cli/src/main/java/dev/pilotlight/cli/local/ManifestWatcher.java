package dev.pilotlight.cli.local;

import dev.pilotlight.api.manifest.ManifestException;
import dev.pilotlight.api.manifest.ManifestReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Watches manifest files and directories (their serving resources, ConfigMaps and Secrets) by
 * polling their content (robust against editors that replace files, symlinks and file systems
 * without change notification). A changed file that reads and validates is handed to {@code
 * onApply}; an invalid one is refused through {@code onRefused} and its last good state keeps
 * serving. A file removed from a watched directory is handed to {@code onRemoved}; an explicitly
 * named file that goes missing keeps its last good state.
 */
public final class ManifestWatcher implements AutoCloseable {
  private final List<Path> args;
  private final ManifestReader reader;
  private final BiConsumer<Path, ManifestReader.Manifest> onApply;
  private final Consumer<Path> onRemoved;
  private final BiConsumer<Path, String> onRefused;
  private final Map<Path, byte[]> seen = new HashMap<>();
  private final Set<Path> missingReported = new LinkedHashSet<>();
  private final Set<Path> refused = new LinkedHashSet<>();
  private ScheduledFuture<?> task;

  public ManifestWatcher(
      List<Path> args,
      ManifestReader reader,
      BiConsumer<Path, ManifestReader.Manifest> onApply,
      Consumer<Path> onRemoved,
      BiConsumer<Path, String> onRefused) {
    this.args = List.copyOf(args);
    this.reader = reader;
    this.onApply = onApply;
    this.onRemoved = onRemoved;
    this.onRefused = onRefused;
  }

  /** Records the current content of every file as already applied (after the initial load). */
  public synchronized void markApplied(Path file) {
    try {
      seen.put(file, Files.readAllBytes(file));
    } catch (IOException e) {
      seen.remove(file);
    }
  }

  public synchronized void start(ScheduledExecutorService scheduler, long periodMillis) {
    task =
        scheduler.scheduleWithFixedDelay(
            this::pollSafely, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      onRefused.accept(Path.of("."), "watcher error: " + e);
    }
  }

  /** One pass over every watched file; public for tests that drive it by hand. */
  public synchronized void poll() {
    ManifestFiles.Expansion expansion = ManifestFiles.expand(args);
    Set<Path> present = new LinkedHashSet<>(expansion.files());
    for (Path file : present) {
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        continue; // replaced between listing and reading; next poll sees it
      } catch (IOException e) {
        continue;
      }
      missingReported.remove(file);
      byte[] previous = seen.get(file);
      if (previous != null && Arrays.equals(previous, content)) {
        continue;
      }
      seen.put(file, content);
      ManifestReader.Manifest resources;
      try {
        resources =
            reader.readManifest(
                new String(content, java.nio.charset.StandardCharsets.UTF_8), file.toString());
      } catch (ManifestException e) {
        refused.add(file);
        onRefused.accept(file, e.getMessage());
        continue;
      }
      refused.remove(file);
      onApply.accept(file, resources);
    }
    for (Path file : List.copyOf(seen.keySet())) {
      if (present.contains(file)) {
        continue;
      }
      if (args.contains(file)) {
        if (missingReported.add(file)) {
          onRefused.accept(file, file + ": file is missing; its last good state keeps serving");
        }
      } else {
        seen.remove(file);
        refused.remove(file);
        onRemoved.accept(file);
      }
    }
  }

  /**
   * Reads the files refused last time again at the next poll, unchanged or not: what they were
   * validated against changed (the autoscaling config), so they may be valid now.
   */
  public synchronized void retryRefused() {
    refused.forEach(seen::remove);
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
