package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.spi.InstanceClass;
import io.fabric8.kubernetes.api.model.Container;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure building of an instance's process: environment, Kubernetes-style {@code $(VAR)} expansion of
 * command and args, and resolution of the executable through the instance's own PATH.
 */
final class ProcessSpecs {
  private ProcessSpecs() {}

  /** The process to start: absolute executable first, then arguments; and its environment. */
  record ProcessSpec(
      List<String> command, Map<String, String> env, Path workingDir, List<String> warnings) {
    ProcessSpec(List<String> command, Map<String, String> env, Path workingDir) {
      this(command, env, workingDir, List.of());
    }
  }

  static ProcessSpec build(
      Revision revision,
      int port,
      Map<String, String> parentEnv,
      Map<String, String> extraEnv,
      Path binDir,
      Path cwd) {
    return build(revision, port, parentEnv, extraEnv, binDir, cwd, InstanceClass.STANDARD);
  }

  /**
   * @param instanceClass in {@code PILOTLIGHT_INSTANCE_CLASS}: {@code standard}, or {@code reserve}
   *     for the pilot light
   */
  static ProcessSpec build(
      Revision revision,
      int port,
      Map<String, String> parentEnv,
      Map<String, String> extraEnv,
      Path binDir,
      Path cwd,
      InstanceClass instanceClass) {
    return build(
        revision,
        port,
        parentEnv,
        extraEnv,
        binDir,
        cwd,
        instanceClass,
        EnvResolver.Sources.none(revision, revision.name()));
  }

  /**
   * @param sources the ConfigMaps, Secrets and instance fields {@code env} and {@code envFrom} read
   * @throws EnvResolver.ConfigError when one they need is missing
   */
  static ProcessSpec build(
      Revision revision,
      int port,
      Map<String, String> parentEnv,
      Map<String, String> extraEnv,
      Path binDir,
      Path cwd,
      InstanceClass instanceClass,
      EnvResolver.Sources sources) {
    Container c = revision.spec().container();
    if (c == null || c.getCommand() == null || c.getCommand().isEmpty()) {
      throw new IllegalArgumentException(
          "container of revision "
              + revision.name()
              + " has no command: local mode runs containers as processes; set command (and args)");
    }
    Map<String, String> env = new LinkedHashMap<>(parentEnv);
    env.putAll(extraEnv);
    env.put(
        "PATH",
        binDir
            + File.pathSeparator
            + parentEnv.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    EnvResolver.Resolved resolved = EnvResolver.resolve(c, revision.namespace(), env, sources);
    env.putAll(resolved.env());
    contractEnv(revision, port, instanceClass, env);

    List<String> command = new ArrayList<>();
    for (String s : c.getCommand()) {
      command.add(expand(s, env));
    }
    if (c.getArgs() != null) {
      for (String s : c.getArgs()) {
        command.add(expand(s, env));
      }
    }
    Path workingDir =
        c.getWorkingDir() == null || c.getWorkingDir().isEmpty()
            ? cwd
            : cwd.resolve(c.getWorkingDir());
    command.set(0, resolveExecutable(command.get(0), env.get("PATH"), workingDir));
    return new ProcessSpec(List.copyOf(command), env, workingDir, resolved.warnings());
  }

  /**
   * Adds Knative's runtime contract: {@code PORT}, {@code K_SERVICE}, {@code K_CONFIGURATION},
   * {@code K_REVISION}, and {@code PILOTLIGHT_INSTANCE_CLASS}, over the user's variables. For a
   * process and a container alike.
   */
  static void contractEnv(
      Revision revision, int port, InstanceClass instanceClass, Map<String, String> env) {
    env.put("PORT", Integer.toString(port));
    env.put(
        "K_SERVICE", revision.service() != null ? revision.service() : revision.configuration());
    env.put("K_CONFIGURATION", revision.configuration());
    env.put("K_REVISION", revision.name());
    env.put("PILOTLIGHT_INSTANCE_CLASS", instanceClass.label());
  }

  /**
   * Kubernetes' expansion: {@code $(VAR)} becomes the variable's value when defined and stays as is
   * otherwise; {@code $$} escapes a dollar.
   */
  static String expand(String s, Map<String, String> vars) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (ch == '$' && i + 1 < s.length()) {
        char next = s.charAt(i + 1);
        if (next == '$') {
          out.append('$');
          i += 2;
          continue;
        }
        if (next == '(') {
          int close = s.indexOf(')', i + 2);
          if (close > 0) {
            String name = s.substring(i + 2, close);
            String value = vars.get(name);
            out.append(value != null ? value : s.substring(i, close + 1));
            i = close + 1;
            continue;
          }
        }
      }
      out.append(ch);
      i++;
    }
    return out.toString();
  }

  /**
   * A command without a slash is looked up in {@code path} (as a shell would with the instance's
   * PATH); with a slash it is taken relative to the working directory. Unresolvable names are
   * returned unchanged, so the start fails with the operating system's own message.
   */
  static String resolveExecutable(String command, String path, Path workingDir) {
    if (command.contains("/")) {
      return workingDir.resolve(command).normalize().toString();
    }
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir).resolve(command);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return command;
  }
}
