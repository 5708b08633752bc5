package dev.pilotlight.cli.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes {@code <state>/bin/pilotlight}, a shell script that runs this very Pilotlight (same java,
 * same class path). The local runtime puts that directory first on every instance's PATH, so a
 * manifest's {@code command: [pilotlight, sample-app]} runs the bundled sample app locally, just as
 * the container image's entrypoint does on Kubernetes.
 */
public final class InstanceShim {
  /**
   * JVM flags for instances: quick start and a small footprint matter more than peak throughput.
   */
  static final List<String> INSTANCE_JVM_FLAGS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xss512k",
          "-XX:CICompilerCount=1",
          "-Xshare:auto");

  private InstanceShim() {}

  public static Path write(Path stateDir) throws IOException {
    Path bin = stateDir.resolve("bin");
    Files.createDirectories(bin);
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    // absolute, so instances with their own workingDir still find it
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator));
    StringBuilder script =
        new StringBuilder(
            "#!/bin/sh\n# Written by pilotlight local: runs the Pilotlight that started this instance.\n");
    script.append("exec ").append(quote(javaBin));
    for (String flag : INSTANCE_JVM_FLAGS) {
      script.append(' ').append(flag);
    }
    script.append(" -cp ").append(quote(classPath)).append(" dev.pilotlight.cli.Main \"$@\"\n");
    Path shim = bin.resolve("pilotlight");
    Path tmp = bin.resolve("pilotlight.tmp");
    Files.writeString(tmp, script);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(tmp, shim, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return bin;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
