package dev.pilotlight.controller.runtime.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Records each running instance as {@code <state>/pids/<instance>.pid} ("pid start-epoch-millis"),
 * so a later run can stop instances an earlier one left behind when it was killed without a chance
 * to clean up. The start time guards against a recycled pid.
 */
final class PidFiles {
  private PidFiles() {}

  static Path dir(Path stateDir) {
    return stateDir.resolve("pids");
  }

  static void write(Path stateDir, String instanceId, ProcessHandle process) {
    try {
      Files.createDirectories(dir(stateDir));
      long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
      Files.writeString(
          dir(stateDir).resolve(instanceId + ".pid"), process.pid() + " " + start + "\n");
    } catch (IOException e) {
      // best effort: without the file only the orphan sweep after a SIGKILL is lost
    }
  }

  static void delete(Path stateDir, String instanceId) {
    try {
      Files.deleteIfExists(dir(stateDir).resolve(instanceId + ".pid"));
    } catch (IOException e) {
      // best effort
    }
  }

  /** Stops every recorded process that is still the same process; returns how many were stopped. */
  static int reap(Path stateDir) {
    Path dir = dir(stateDir);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int reaped = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pid")) {
      for (Path file : files) {
        Optional<ProcessHandle> live = recorded(file);
        if (live.isPresent()) {
          ProcessHandle p = live.get();
          p.descendants().forEach(ProcessHandle::destroy);
          p.destroy();
          try {
            p.onExit().get(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
          }
          reaped++;
        }
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // nothing to reap we can read
    }
    return reaped;
  }

  private static Optional<ProcessHandle> recorded(Path file) {
    try {
      String[] parts = Files.readString(file).trim().split("\\s+");
      long pid = Long.parseLong(parts[0]);
      long start = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == start);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
