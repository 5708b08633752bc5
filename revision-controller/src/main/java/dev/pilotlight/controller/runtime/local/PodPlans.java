package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.model.Revision;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Pure planning of a container instance as one pod: the serving container (its {@code run} command
 * from {@link ContainerSpecs}) and its sidecars share a network namespace, so a sidecar listening
 * on {@code localhost:9000} is reachable from the serving container as in Kubernetes.
 *
 * <ul>
 *   <li><b>Podman</b>: a pod ({@code pod create}, labelled with the owner and the instance,
 *       publishing the serving port on loopback) created first; every container then runs in the
 *       foreground with {@code --pod}. The pod is removed when the instance stops or crashes.
 *   <li><b>Docker</b> (no pods): the serving container publishes the port as it does alone; each
 *       sidecar joins its network namespace ({@code --network=container:<serving>}), so sidecars
 *       start once the serving container runs. Each container is removed on its own.
 * </ul>
 *
 * Every container, alone or not, gets its {@code securityContext} (the container's fields over the
 * pod's, as in Kubernetes) as engine options: {@link #securityArgs}. A single-container instance on
 * Podman runs without a pod, as before (no pod to create: its cold start stays one engine call).
 */
final class PodPlans {
  private PodPlans() {}

  /**
   * One container's foreground {@code run} command.
   *
   * @param container the container's name in the revision
   * @param engineName the engine's name for it (for {@code exec} and logs)
   */
  record Launch(String container, String engineName, List<String> command) {}

  /**
   * How to run one instance.
   *
   * @param setup engine arguments run (bounded, in order) before any container starts
   * @param nonRootChecks images to inspect first: {@code runAsNonRoot} without a {@code runAsUser}
   *     refuses an image whose user is root (or not numeric), as the kubelet does
   * @param refusal set when the instance cannot start at all (e.g. {@code runAsNonRoot} with {@code
   *     runAsUser: 0}): the failing message
   * @param serving the serving container, supervised as the instance's process
   * @param sidecars the other containers, each supervised too
   * @param sidecarsAfterServing whether sidecars wait for the serving container to run (Docker)
   * @param teardown engine arguments that remove what the instance left (pod or containers)
   * @param pod the pod's name, null when the instance has none
   */
  record Plan(
      List<List<String>> setup,
      List<NonRootCheck> nonRootChecks,
      String refusal,
      Launch serving,
      List<Launch> sidecars,
      boolean sidecarsAfterServing,
      List<List<String>> teardown,
      String pod) {
    /** Whether something must happen before the containers start (run off the caller's thread). */
    boolean needsPreparation() {
      return !setup.isEmpty() || !nonRootChecks.isEmpty() || refusal != null;
    }

    /**
     * The engine calls, in order, that stop the instance: SIGTERM, {@code graceSeconds}, then a
     * kill, for every container at once (the pod, or the containers by name); then removal.
     */
    List<List<String>> stop(long graceSeconds) {
      List<List<String>> out = new ArrayList<>();
      if (pod != null) {
        out.add(List.of("pod", "stop", "--time=" + graceSeconds, pod));
      } else {
        List<String> stop = new ArrayList<>(List.of("stop", "--time=" + graceSeconds));
        stop.add(serving.engineName());
        sidecars.forEach(l -> stop.add(l.engineName()));
        out.add(List.copyOf(stop));
      }
      out.addAll(teardown);
      return List.copyOf(out);
    }
  }

  /** A container whose image must not run as root. */
  record NonRootCheck(String container, String image) {}

  /**
   * The plan for an instance whose serving container's command is {@code servingCommand} (from
   * {@link ContainerSpecs#build}, published on {@code hostPort}).
   */
  static Plan plan(
      Revision revision,
      List<String> servingCommand,
      ContainerEngine engine,
      String owner,
      String instanceId,
      int hostPort) {
    return plan(
        revision,
        servingCommand,
        engine,
        owner,
        instanceId,
        hostPort,
        c -> SidecarInputs.literal(c));
  }

  /**
   * What a sidecar gets beyond its spec, resolved at the instance's start as the serving
   * container's are: its whole {@code env} ({@code valueFrom} and {@code envFrom} resolved) and its
   * volume mounts' engine options.
   */
  record SidecarInputs(Map<String, String> env, List<String> mounts) {
    /** Only the literal {@code env} values, no mounts (a sidecar that reads nothing else). */
    static SidecarInputs literal(Container c) {
      Map<String, String> env = new LinkedHashMap<>();
      if (c.getEnv() != null) {
        for (EnvVar e : c.getEnv()) {
          env.put(e.getName(), ProcessSpecs.expand(e.getValue() == null ? "" : e.getValue(), env));
        }
      }
      return new SidecarInputs(env, List.of());
    }
  }

  /**
   * @param sidecarInputs each sidecar's resolved env and mounts
   */
  static Plan plan(
      Revision revision,
      List<String> servingCommand,
      ContainerEngine engine,
      String owner,
      String instanceId,
      int hostPort,
      Function<Container, SidecarInputs> sidecarInputs) {
    List<Container> containers = revision.spec().containers();
    int servingIndex = revision.spec().servingIndex();
    Container serving = revision.spec().container();
    PodSecurityContext pod = revision.spec().podSpec().getSecurityContext();
    String servingName = ContainerSpecs.name(owner, instanceId, hostPort);
    boolean podman = !engine.name().equals("docker");
    boolean alone = containers.size() <= 1;
    String podName = servingName + "-pod";

    List<NonRootCheck> checks = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    nonRoot(serving, name(serving, servingIndex), pod, checks, refusals);

    List<String> cmd = new ArrayList<>(servingCommand);
    List<String> servingOptions = new ArrayList<>(securityArgs(pod, serving.getSecurityContext()));
    if (!alone && podman) {
      cmd.removeIf(a -> a.startsWith("--publish="));
      servingOptions.add(0, "--pod=" + podName);
    }
    cmd.addAll(imageIndex(cmd), servingOptions);
    Launch servingLaunch = new Launch(name(serving, servingIndex), servingName, List.copyOf(cmd));

    List<Launch> sidecars = new ArrayList<>();
    List<List<String>> teardown = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      if (i == servingIndex) {
        continue;
      }
      Container c = containers.get(i);
      String engineName = servingName + "-" + name(c, i);
      nonRoot(c, name(c, i), pod, checks, refusals);
      List<String> network =
          podman ? List.of("--pod=" + podName) : List.of("--network=container:" + servingName);
      sidecars.add(
          new Launch(
              name(c, i),
              engineName,
              sidecar(
                  c, sidecarInputs.apply(c), pod, engine, owner, instanceId, engineName, network)));
      if (!podman) {
        teardown.add(List.of("rm", "-f", engineName));
      }
    }
    List<List<String>> setup = new ArrayList<>();
    if (!alone && podman) {
      setup.add(
          List.of(
              "pod",
              "create",
              "--name=" + podName,
              "--label=" + ContainerEngine.OWNER_LABEL + "=" + owner,
              "--label=" + ContainerEngine.INSTANCE_LABEL + "=" + instanceId,
              "--publish=127.0.0.1:" + hostPort + ":" + revision.spec().port()));
      teardown.add(List.of("pod", "rm", "-f", podName));
    } else {
      teardown.add(0, List.of("rm", "-f", servingName));
    }
    return new Plan(
        List.copyOf(setup),
        List.copyOf(checks),
        refusals.isEmpty() ? null : String.join("; ", refusals),
        servingLaunch,
        List.copyOf(sidecars),
        !podman && !sidecars.isEmpty(),
        List.copyOf(teardown),
        !alone && podman ? podName : null);
  }

  /** A container's name in messages: its {@code name}, else {@code container-<index>}. */
  static String name(Container c, int index) {
    return c.getName() == null || c.getName().isEmpty() ? "container-" + index : c.getName();
  }

  /**
   * The first argument that is the image (its name, or the id it was resolved to): every option
   * before it is one {@code --x=y} word.
   */
  private static int imageIndex(List<String> cmd) {
    for (int i = 2; i < cmd.size(); i++) {
      if (!cmd.get(i).startsWith("-")) {
        return i;
      }
    }
    throw new IllegalStateException("no image in " + cmd);
  }

  /**
   * A sidecar's foreground command: its own {@code command}/{@code args}, its resolved {@code env}
   * (Knative's runtime contract is the serving container's), its volume mounts, {@code workingDir},
   * limits and security context.
   */
  static List<String> sidecar(
      Container c,
      SidecarInputs inputs,
      PodSecurityContext pod,
      ContainerEngine engine,
      String owner,
      String instanceId,
      String engineName,
      List<String> network) {
    Map<String, String> env = inputs.env();
    List<String> cmd = new ArrayList<>();
    cmd.add(engine.executable().toString());
    cmd.add("run");
    cmd.add("--rm");
    cmd.add("--name=" + engineName);
    cmd.add("--label=" + ContainerEngine.OWNER_LABEL + "=" + owner);
    cmd.add("--label=" + ContainerEngine.INSTANCE_LABEL + "=" + instanceId);
    cmd.addAll(network);
    if (c.getImagePullPolicy() != null) {
      cmd.add(
          "--pull="
              + switch (c.getImagePullPolicy()) {
                case "Always" -> "always";
                case "Never" -> "never";
                default -> "missing";
              });
    }
    env.forEach((k, v) -> cmd.add("--env=" + k + "=" + v));
    cmd.addAll(inputs.mounts());
    if (c.getWorkingDir() != null && !c.getWorkingDir().isEmpty()) {
      cmd.add("--workdir=" + c.getWorkingDir());
    }
    if (c.getResources() != null && c.getResources().getLimits() != null) {
      Quantity memory = c.getResources().getLimits().get("memory");
      if (memory != null) {
        cmd.add("--memory=" + Quantity.getAmountInBytes(memory).toBigInteger() + "b");
      }
      Quantity cpu = c.getResources().getLimits().get("cpu");
      if (cpu != null) {
        cmd.add("--cpus=" + Quantity.getAmountInBytes(cpu).stripTrailingZeros().toPlainString());
      }
    }
    cmd.addAll(securityArgs(pod, c.getSecurityContext()));
    List<String> args = new ArrayList<>();
    if (c.getCommand() != null && !c.getCommand().isEmpty()) {
      List<String> command = c.getCommand().stream().map(s -> ProcessSpecs.expand(s, env)).toList();
      cmd.add("--entrypoint=" + command.get(0));
      args.addAll(command.subList(1, command.size()));
    }
    if (c.getArgs() != null) {
      c.getArgs().forEach(s -> args.add(ProcessSpecs.expand(s, env)));
    }
    cmd.add(c.getImage());
    cmd.addAll(args);
    return List.copyOf(cmd);
  }

  /**
   * The engine options for a container's security context, the container's fields over the pod's:
   * {@code runAsUser}/{@code runAsGroup} as {@code --user=uid[:gid]}, the pod's {@code
   * supplementalGroups} as {@code --group-add}, {@code readOnlyRootFilesystem} as {@code
   * --read-only}, {@code allowPrivilegeEscalation: false} as {@code no-new-privileges}, {@code
   * capabilities} as {@code --cap-drop} then {@code --cap-add}, a {@code seccompProfile} of type
   * {@code Unconfined} as {@code seccomp=unconfined} ({@code RuntimeDefault} is the engine's
   * default). What the engine cannot honour is refused by validation first.
   */
  static List<String> securityArgs(PodSecurityContext pod, SecurityContext c) {
    List<String> out = new ArrayList<>();
    Long user = c != null && c.getRunAsUser() != null ? c.getRunAsUser() : null;
    if (user == null && pod != null) {
      user = pod.getRunAsUser();
    }
    Long group = c != null && c.getRunAsGroup() != null ? c.getRunAsGroup() : null;
    if (group == null && pod != null) {
      group = pod.getRunAsGroup();
    }
    if (user != null) {
      out.add("--user=" + user + (group == null ? "" : ":" + group));
    }
    if (pod != null && pod.getSupplementalGroups() != null) {
      pod.getSupplementalGroups().forEach(g -> out.add("--group-add=" + g));
    }
    if (c == null) {
      seccomp(pod == null ? null : pod.getSeccompProfile(), out);
      return out;
    }
    if (Boolean.TRUE.equals(c.getReadOnlyRootFilesystem())) {
      out.add("--read-only");
    }
    if (Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) {
      out.add("--security-opt=no-new-privileges");
    }
    Capabilities caps = c.getCapabilities();
    if (caps != null) {
      if (caps.getDrop() != null) {
        caps.getDrop().forEach(d -> out.add("--cap-drop=" + d));
      }
      if (caps.getAdd() != null) {
        caps.getAdd().forEach(a -> out.add("--cap-add=" + a));
      }
    }
    seccomp(
        c.getSeccompProfile() != null
            ? c.getSeccompProfile()
            : pod == null ? null : pod.getSeccompProfile(),
        out);
    return out;
  }

  private static void seccomp(SeccompProfile profile, List<String> out) {
    if (profile != null && "Unconfined".equals(profile.getType())) {
      out.add("--security-opt=seccomp=unconfined");
    }
  }

  /**
   * {@code runAsNonRoot} (the container's over the pod's): with {@code runAsUser: 0} the container
   * cannot start; without a {@code runAsUser} the image's user decides, so the image is inspected
   * first.
   */
  private static void nonRoot(
      Container c,
      String name,
      PodSecurityContext pod,
      List<NonRootCheck> checks,
      List<String> refusals) {
    SecurityContext sc = c.getSecurityContext();
    Boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : null;
    if (nonRoot == null && pod != null) {
      nonRoot = pod.getRunAsNonRoot();
    }
    if (!Boolean.TRUE.equals(nonRoot)) {
      return;
    }
    Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : null;
    if (user == null && pod != null) {
      user = pod.getRunAsUser();
    }
    if (user == null) {
      checks.add(new NonRootCheck(name, c.getImage()));
    } else if (user == 0) {
      refusals.add(
          "container "
              + name
              + ": runAsNonRoot and runAsUser 0 (expected: a non-zero runAsUser, as the kubelet"
              + " refuses this container)");
    }
  }

  /**
   * Why an image whose configured user is {@code imageUser} ({@code Config.User}: empty, a uid, a
   * name, with an optional {@code :group}) must not run under {@code runAsNonRoot}; null when it
   * may. As the kubelet: root (empty or 0) is refused, and so is a name, which cannot be verified.
   */
  static String nonRootRefusal(String container, String image, String imageUser) {
    String user = imageUser == null ? "" : imageUser.trim();
    int colon = user.indexOf(':');
    if (colon >= 0) {
      user = user.substring(0, colon);
    }
    if (user.isEmpty() || user.equals("0") || user.equals("root")) {
      return "container "
          + container
          + ": runAsNonRoot and image "
          + image
          + " will run as root (expected: a runAsUser, or an image with a non-root USER)";
    }
    if (!user.chars().allMatch(Character::isDigit)) {
      return "container "
          + container
          + ": runAsNonRoot and image "
          + image
          + " has non-numeric user ("
          + user
          + "), cannot verify user is non-root (expected: a runAsUser, or a numeric USER)";
    }
    return null;
  }
}
