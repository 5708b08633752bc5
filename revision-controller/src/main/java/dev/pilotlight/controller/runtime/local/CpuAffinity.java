package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.reserve.ReserveResources;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The local stand-in for a reserve's CPU limit: a process cannot be given a fraction of a core
 * without cgroups, but it can be pinned to fewer cores. A limit of {@code m} millicores pins the
 * reserve to ⌈m / 1000⌉ of the CPUs this Pilotlight may use (the highest-numbered ones), with
 * {@code taskset -c}, which sets the affinity and then execs the command (same pid). Nothing is
 * applied when that would be all of them, or where there is no {@code taskset} (not Linux, or
 * util-linux missing). Memory cannot be limited for an arbitrary command and is never applied.
 *
 * @param taskset the absolute path of {@code taskset}, or null when there is none
 * @param allowedCpus the CPUs this process may run on, ascending; empty when unknown
 */
record CpuAffinity(String taskset, List<Integer> allowedCpus) {
  static final CpuAffinity NONE = new CpuAffinity(null, List.of());

  CpuAffinity {
    allowedCpus = List.copyOf(allowedCpus);
  }

  /** What this machine offers: {@code taskset} on the PATH and this process's allowed CPUs. */
  static CpuAffinity detect(Map<String, String> env) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return NONE;
    }
    String taskset = null;
    for (String dir : env.getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "taskset");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        taskset = p.toAbsolutePath().toString();
        break;
      }
    }
    List<Integer> cpus = List.of();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          cpus = parseCpuList(line.substring(line.indexOf(':') + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      cpus = List.of();
    }
    return new CpuAffinity(taskset, cpus);
  }

  /** A Linux CPU list ({@code 0-3,8,10-11}) as ascending CPU numbers. */
  static List<Integer> parseCpuList(String list) {
    TreeSet<Integer> cpus = new TreeSet<>();
    for (String part : list.trim().split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
      int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
      for (int c = from; c <= to; c++) {
        cpus.add(c);
      }
    }
    return List.copyOf(cpus);
  }

  /**
   * The CPUs a limit of {@code millicores} pins to: the last ⌈millicores / 1000⌉ allowed ones;
   * empty when there is no limit, the CPUs are unknown, or the limit covers all of them.
   */
  List<Integer> cpusFor(long millicores) {
    if (millicores <= 0 || allowedCpus.isEmpty()) {
      return List.of();
    }
    long cores = Math.max(1, (millicores + 999) / 1000);
    if (cores >= allowedCpus.size()) {
      return List.of();
    }
    return allowedCpus.subList(allowedCpus.size() - (int) cores, allowedCpus.size());
  }

  /** {@code command} under {@code taskset -c CPUS} when the limit restricts anything. */
  List<String> wrap(List<String> command, long millicores) {
    List<Integer> cpus = cpusFor(millicores);
    if (taskset == null || cpus.isEmpty()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(command.size() + 3);
    wrapped.add(taskset);
    wrapped.add("-c");
    wrapped.add(cpus.stream().map(String::valueOf).collect(Collectors.joining(",")));
    wrapped.addAll(command);
    return wrapped;
  }

  /** What of {@code resources} a local process gets, in words, for the instance's log. */
  String describe(ReserveResources resources) {
    List<String> parts = new ArrayList<>();
    if (resources.cpu() == null) {
      parts.add("no cpu limit");
    } else {
      List<Integer> cpus = cpusFor(resources.cpuMillicores());
      String cpu = "cpu=" + resources.cpu() + ": ";
      if (allowedCpus.isEmpty() || taskset == null) {
        parts.add(cpu + "not applied (needs Linux and taskset)");
      } else if (cpus.isEmpty()) {
        parts.add(cpu + "not restricted (covers all " + allowedCpus.size() + " CPUs)");
      } else {
        parts.add(
            cpu
                + "CPU affinity to "
                + cpus.size()
                + " of "
                + allowedCpus.size()
                + " CPUs (taskset -c "
                + cpus.stream().map(String::valueOf).collect(Collectors.joining(","))
                + ")");
      }
    }
    if (resources.memory() != null) {
      parts.add(
          "memory=" + resources.memory() + ": not applied (local processes get no memory limit)");
    }
    return String.join("; ", parts);
  }
}
