package dev.pilotlight.controller.runtime.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Resolves a revision's image through the engine's CLI, with the engine's own credentials: looks it
 * up in the engine's store ({@code image inspect}), pulls it when {@link ImagePolicy} says so, and
 * answers the id every instance of the revision then runs. The pull's progress goes to a log file
 * beside the instances' logs. Blocking, bounded by {@link #PULL_TIMEOUT}; callers run it off their
 * own threads.
 */
final class ImagePuller {
  /** A pull taking longer is stopped and reported as failed (then retried with backoff). */
  static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

  private static final Duration INSPECT_TIMEOUT = Duration.ofSeconds(30);
  private static final int MESSAGE_LINES = 3;

  /** The image resolved: its id, or why not ({@code reason} as the kubelet's, and a message). */
  record Result(String imageId, String reason, String message) {
    boolean ok() {
      return imageId != null;
    }
  }

  private final ContainerEngine engine;

  ImagePuller(ContainerEngine engine) {
    this.engine = engine;
  }

  /** Resolves {@code image} under {@code policy}; the pull's output is appended to {@code log}. */
  Result resolve(String image, String policy, Path log) {
    String present = inspect(image);
    ImagePolicy.Action action = ImagePolicy.decide(policy, image, present);
    if (action instanceof ImagePolicy.Use use) {
      return new Result(use.imageId(), null, null);
    }
    if (action instanceof ImagePolicy.Fail fail) {
      return new Result(null, fail.reason(), fail.message());
    }
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "pilotlight: pulling image " + image + " with " + engine.name() + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process p =
          new ProcessBuilder(engine.executable().toString(), "pull", image)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!p.waitFor(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(
            null,
            "ErrImagePull",
            "pulling image \"" + image + "\" took longer than " + PULL_TIMEOUT.toMinutes() + "m");
      }
      if (p.exitValue() != 0) {
        return new Result(
            null,
            "ErrImagePull",
            "failed to pull image \"" + image + "\": " + lastLines(log, MESSAGE_LINES));
      }
    } catch (IOException e) {
      return new Result(
          null, "ErrImagePull", "cannot run " + engine.name() + " pull: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, "ErrImagePull", "interrupted");
    }
    String id = inspect(image);
    return id != null
        ? new Result(id, null, null)
        : new Result(null, "ErrImagePull", "image \"" + image + "\" not found after its pull");
  }

  /** The image's id in the engine's store, or null when it is not there. */
  String inspect(String image) {
    List<String> out =
        engine.output(List.of("image", "inspect", "--format", "{{.Id}}", image), INSPECT_TIMEOUT);
    return out.size() == 1 ? out.get(0) : null;
  }

  /**
   * The last {@code n} non-blank lines of a log's last 8 KiB, joined: the engine's own words for a
   * failure.
   */
  static String lastLines(Path log, int n) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, f.length() - 8192);
      byte[] tail = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(tail);
      List<String> lines =
          new String(tail, StandardCharsets.UTF_8)
              .lines()
              .map(String::trim)
              .filter(l -> !l.isEmpty())
              .toList();
      return String.join(" ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(no output)";
    }
  }
}
