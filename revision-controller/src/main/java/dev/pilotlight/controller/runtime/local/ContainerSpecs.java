package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.spi.InstanceClass;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure building of a container instance's {@code run} command, as Kubernetes would run the serving
 * container: {@code command} replaces the image's entrypoint and {@code args} its cmd; {@code env}
 * with {@code $(VAR)} expansion, and Knative's runtime contract ({@code PORT}, the container's
 * port, and {@code K_SERVICE}, {@code K_CONFIGURATION}, {@code K_REVISION}); the serving port
 * published on a loopback port only the gateway uses; {@code workingDir}; {@code resources.limits}
 * as cgroup limits ({@code --memory}, {@code --cpus}), the reserve instance's from the pilot
 * light's reserve resources. The container runs in the foreground, removed when it exits, named
 * after the instance and labelled with the owner, so a later run finds and removes what a killed
 * one left.
 */
final class ContainerSpecs {
  private ContainerSpecs() {}

  static ProcessSpecs.ProcessSpec build(
      Revision revision,
      int hostPort,
      ContainerEngine engine,
      String owner,
      String instanceId,
      InstanceClass instanceClass,
      ReserveSpec reserve,
      Path cwd) {
    return build(
        revision,
        hostPort,
        engine,
        owner,
        instanceId,
        instanceClass,
        reserve,
        cwd,
        EnvResolver.Sources.none(revision, instanceId),
        List.of(),
        null);
  }

  /**
   * @param sources the ConfigMaps, Secrets and instance fields {@code env} and {@code envFrom} read
   * @param mounts the volumes' mounts ({@link VolumeMounts})
   * @param imageId the image resolved for the revision ({@link ImagePuller}), run by id with no
   *     pull; null: the container's image, pulled by the engine as its policy says
   * @throws EnvResolver.ConfigError when one they need is missing
   */
  static ProcessSpecs.ProcessSpec build(
      Revision revision,
      int hostPort,
      ContainerEngine engine,
      String owner,
      String instanceId,
      InstanceClass instanceClass,
      ReserveSpec reserve,
      Path cwd,
      EnvResolver.Sources sources,
      List<String> mounts,
      String imageId) {
    Container c = revision.spec().container();
    int port = revision.spec().port();
    Map<String, String> env = new LinkedHashMap<>();
    EnvResolver.Resolved resolved = EnvResolver.resolve(c, revision.namespace(), Map.of(), sources);
    env.putAll(resolved.env());
    ProcessSpecs.contractEnv(revision, port, instanceClass, env);

    List<String> cmd = new ArrayList<>();
    cmd.add(engine.executable().toString());
    cmd.add("run");
    cmd.add("--rm");
    cmd.add("--name=" + name(owner, instanceId, hostPort));
    cmd.add("--label=" + ContainerEngine.OWNER_LABEL + "=" + owner);
    cmd.add("--label=" + ContainerEngine.INSTANCE_LABEL + "=" + instanceId);
    cmd.add("--publish=127.0.0.1:" + hostPort + ":" + port);
    if (imageId != null) {
      cmd.add("--pull=never");
    } else if (c.getImagePullPolicy() != null) {
      cmd.add("--pull=" + pull(c.getImagePullPolicy()));
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      cmd.add("--env=" + e.getKey() + "=" + e.getValue());
    }
    cmd.addAll(mounts);
    if (c.getWorkingDir() != null && !c.getWorkingDir().isEmpty()) {
      cmd.add("--workdir=" + c.getWorkingDir());
    }
    Map<String, Quantity> limits = limits(c, instanceClass, reserve);
    Quantity memory = limits.get("memory");
    if (memory != null) {
      cmd.add("--memory=" + Quantity.getAmountInBytes(memory).toBigInteger() + "b");
    }
    Quantity cpu = limits.get("cpu");
    if (cpu != null) {
      cmd.add("--cpus=" + Quantity.getAmountInBytes(cpu).stripTrailingZeros().toPlainString());
    }
    List<String> args = new ArrayList<>();
    if (c.getCommand() != null && !c.getCommand().isEmpty()) {
      List<String> command = c.getCommand().stream().map(s -> ProcessSpecs.expand(s, env)).toList();
      cmd.add("--entrypoint=" + command.get(0));
      args.addAll(command.subList(1, command.size()));
    }
    if (c.getArgs() != null) {
      c.getArgs().forEach(s -> args.add(ProcessSpecs.expand(s, env)));
    }
    cmd.add(imageId != null ? imageId : c.getImage());
    cmd.addAll(args);
    return new ProcessSpecs.ProcessSpec(List.copyOf(cmd), Map.of(), cwd, resolved.warnings());
  }

  /**
   * The container's name: the owner's id, the instance and its port, unique on the machine (a
   * restarted instance gets a new port, so its new container never waits for the old one's name).
   */
  static String name(String owner, String instanceId, int hostPort) {
    return "pilotlight-" + owner + "-" + instanceId + "-" + hostPort;
  }

  private static String pull(String policy) {
    return switch (policy) {
      case "Always" -> "always";
      case "Never" -> "never";
      default -> "missing";
    };
  }

  /**
   * The reserve instance's limits are the pilot light's reserve resources; others the container's.
   */
  private static Map<String, Quantity> limits(
      Container c, InstanceClass instanceClass, ReserveSpec reserve) {
    Map<String, Quantity> out = new LinkedHashMap<>();
    if (instanceClass == InstanceClass.RESERVE && reserve != null) {
      long cpuMillis = reserve.resources().cpuMillicores();
      long memBytes = reserve.resources().memoryBytes();
      if (cpuMillis > 0) {
        out.put("cpu", new Quantity(BigDecimal.valueOf(cpuMillis, 3).toPlainString()));
      }
      if (memBytes > 0) {
        out.put("memory", new Quantity(Long.toString(memBytes)));
      }
      return out;
    }
    if (c.getResources() != null && c.getResources().getLimits() != null) {
      out.putAll(c.getResources().getLimits());
    }
    return out;
  }
}
