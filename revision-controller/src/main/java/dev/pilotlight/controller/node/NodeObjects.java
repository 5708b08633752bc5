package dev.pilotlight.controller.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.controller.kubernetes.desired.Ownership;
import dev.pilotlight.controller.runtime.InstanceView;
import dev.pilotlight.controller.runtime.InstanceView.State;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The objects the node agent writes, as pure functions of what runs: a Pod per instance (as the
 * kubelet reports it), an EndpointSlice per instance with an address (as the EndpointSlice
 * controller lists it), a Deployment's status (as the Deployment controller computes it). Times
 * come from {@code now}; a condition keeps its transition time while its status holds.
 */
public final class NodeObjects {
  /** Where every local instance listens. */
  public static final String LOOPBACK = "127.0.0.1";

  /** The Deployment controller's default {@code progressDeadlineSeconds}. */
  static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

  private static final ObjectMapper JSON = mapper();

  private NodeObjects() {}

  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper();
    new KubernetesSerialization(mapper, false);
    return mapper;
  }

  /** Whether two objects (or nulls) are the same as JSON: what a write would change. */
  static boolean same(Object a, Object b) {
    JsonNode x = a == null ? null : JSON.valueToTree(a);
    JsonNode y = b == null ? null : JSON.valueToTree(b);
    return Objects.equals(x, y);
  }

  /** {@code <deployment>-<instanceId>}, lower case. */
  public static String podName(String deployment, String instanceId) {
    return (deployment + "-" + instanceId).toLowerCase(Locale.ROOT);
  }

  /** {@code <service>-<instanceId>}, lower case. */
  public static String sliceName(String service, String instanceId) {
    return (service + "-" + instanceId).toLowerCase(Locale.ROOT);
  }

  // ---- Pods ----

  /**
   * The Pod of {@code instance}, one of {@code deployment}'s: the template's labels and spec, owned
   * by the Deployment, its status as the kubelet reports it. The deletion mark is not set here (the
   * store sets it); {@code terminating} makes the pod not ready.
   *
   * @param servingIndex which of the template's containers serves
   * @param existing the Pod as stored, for the times it keeps; null when there is none
   */
  public static Pod pod(
      Deployment deployment,
      int servingIndex,
      InstanceView instance,
      boolean terminating,
      Pod existing,
      Instant now) {
    var template = deployment.getSpec().getTemplate();
    Map<String, String> labels =
        new LinkedHashMap<>(
            template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? Map.of()
                : template.getMetadata().getLabels());
    Map<String, String> annotations = new LinkedHashMap<>();
    if (instance.port() != null) {
      annotations.put(KubernetesNames.PORT_ANNOTATION, Integer.toString(instance.port()));
    }
    annotations.put(KubernetesNames.RUNTIME_ANNOTATION, instance.runtime());
    PodSpec spec = template.getSpec();
    Container serving =
        spec == null || spec.getContainers() == null || spec.getContainers().size() <= servingIndex
            ? null
            : spec.getContainers().get(servingIndex);
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName(deployment.getMetadata().getName(), instance.id()))
        .withNamespace(deployment.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(Ownership.controllerRef(deployment))
        .endMetadata()
        .withSpec(spec)
        .withStatus(podStatus(serving, instance, terminating, existing, now))
        .build();
  }

  /** The Pod's status: phase, PodScheduled and Ready, the serving container's status. */
  static PodStatus podStatus(
      Container serving, InstanceView instance, boolean terminating, Pod existing, Instant now) {
    PodStatus before = existing == null ? null : existing.getStatus();
    List<PodCondition> previous =
        before == null || before.getConditions() == null ? List.of() : before.getConditions();
    boolean pending = instance.state() == State.PENDING;
    boolean ready = instance.state() == State.READY && !terminating;
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(
        pending
            ? podCondition(
                previous, "PodScheduled", "False", "Unschedulable", instance.message(), now)
            : podCondition(previous, "PodScheduled", "True", null, null, now));
    conditions.add(
        ready
            ? podCondition(previous, "Ready", "True", null, null, now)
            : podCondition(previous, "Ready", "False", "ContainersNotReady", null, now));
    boolean hasRun = instance.running() || instance.restarts() > 0 || instance.lastExit() != null;
    PodStatusBuilder status =
        new PodStatusBuilder()
            .withPhase(hasRun ? "Running" : "Pending")
            .withConditions(conditions)
            .withStartTime(
                before != null && before.getStartTime() != null
                    ? before.getStartTime()
                    : timestamp(now));
    if (instance.port() != null) {
      status.withHostIP(LOOPBACK).withPodIP(LOOPBACK);
    }
    if (!pending) {
      status.withContainerStatuses(containerStatus(serving, instance, before, now));
    }
    return status.build();
  }

  private static ContainerStatus containerStatus(
      Container serving, InstanceView instance, PodStatus before, Instant now) {
    String name =
        serving == null || serving.getName() == null ? "user-container" : serving.getName();
    String image =
        instance.image() != null ? instance.image() : serving == null ? null : serving.getImage();
    ContainerStateBuilder state = new ContainerStateBuilder();
    if (instance.running()) {
      String startedAt =
          instance.startedAt() != null
              ? timestamp(instance.startedAt())
              : previousStartedAt(before, name, now);
      state.withNewRunning().withStartedAt(startedAt).endRunning();
    } else {
      state
          .withNewWaiting()
          .withReason(instance.reason() == null ? "ContainerCreating" : instance.reason())
          .withMessage(instance.message())
          .endWaiting();
    }
    ContainerStatusBuilder cs =
        new ContainerStatusBuilder()
            .withName(name)
            .withImage(image)
            .withReady(instance.state() == State.READY)
            .withStarted(instance.running())
            .withRestartCount((int) Math.min(Integer.MAX_VALUE, instance.restarts()))
            .withState(state.build());
    InstanceView.LastExit last = instance.lastExit();
    if (last != null) {
      cs.withNewLastState()
          .withNewTerminated()
          .withExitCode(last.exitCode())
          .withReason(last.reason())
          .withMessage(last.message())
          .endTerminated()
          .endLastState();
    }
    return cs.build();
  }

  /** The running state's start as stored for the same container, else now. */
  private static String previousStartedAt(PodStatus before, String container, Instant now) {
    if (before != null && before.getContainerStatuses() != null) {
      for (ContainerStatus cs : before.getContainerStatuses()) {
        if (container.equals(cs.getName())
            && cs.getState() != null
            && cs.getState().getRunning() != null
            && cs.getState().getRunning().getStartedAt() != null) {
          return cs.getState().getRunning().getStartedAt();
        }
      }
    }
    return timestamp(now);
  }

  private static PodCondition podCondition(
      List<PodCondition> previous,
      String type,
      String status,
      String reason,
      String message,
      Instant now) {
    String since = timestamp(now);
    for (PodCondition c : previous) {
      if (type.equals(c.getType()) && status.equals(c.getStatus())) {
        since = c.getLastTransitionTime() == null ? since : c.getLastTransitionTime();
      }
    }
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(since)
        .build();
  }

  // ---- EndpointSlices ----

  /**
   * The EndpointSlice of one instance of {@code revision}, listed under its headless {@code
   * service}: one port (named {@code portName}, the instance's loopback port), one endpoint.
   *
   * @param ready whether the instance passes its readiness probe (false: the gateway probes it)
   * @param terminating whether it is being stopped (the gateway sends it nothing new)
   * @param owner the headless Service's reference, null when it does not exist
   */
  public static EndpointSlice slice(
      String namespace,
      String revision,
      String service,
      String instanceId,
      String portName,
      int port,
      boolean ready,
      boolean terminating,
      OwnerReference owner) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(KubernetesNames.ENDPOINT_SLICE_SERVICE_LABEL, service);
    labels.put(KubernetesNames.REVISION_LABEL, revision);
    labels.put(KubernetesNames.MANAGED_BY_LABEL, KubernetesNames.MANAGED_BY);
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(sliceName(service, instanceId))
        .withNamespace(namespace)
        .withLabels(labels)
        .withOwnerReferences(owner == null ? List.of() : List.of(owner))
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName(portName)
        .withPort(port)
        .withProtocol("TCP")
        .endPort()
        .withEndpoints(
            new EndpointBuilder()
                .withAddresses(LOOPBACK)
                .withNewConditions()
                .withReady(ready && !terminating)
                .withServing(ready)
                .withTerminating(terminating)
                .endConditions()
                .build())
        .build();
  }

  // ---- Deployments ----

  /** The Deployment's wanted replicas (1 when unset, as Kubernetes defaults it). */
  public static int replicas(Deployment d) {
    Integer r = d.getSpec() == null ? null : d.getSpec().getReplicas();
    return r == null ? 1 : Math.max(0, r);
  }

  /**
   * The Deployment's status from its live instances (not terminating), as the Deployment controller
   * computes it with one ReplicaSet and {@code maxUnavailable} 25%: counts, Available, Progressing
   * (ProgressDeadlineExceeded once no progress was made for {@code progressDeadlineSeconds}), and
   * ReplicaFailure (FailedCreate) when the runtime refused the instances.
   *
   * @param refusal why the runtime cannot create its instances, or null
   */
  public static DeploymentStatus deploymentStatus(
      Deployment d, List<InstanceView> live, String refusal, Instant now) {
    DeploymentStatus before = d.getStatus();
    List<DeploymentCondition> previous =
        before == null || before.getConditions() == null ? List.of() : before.getConditions();
    int desired = replicas(d);
    int replicas = live.size();
    int ready = (int) live.stream().filter(i -> i.state() == State.READY).count();
    int unavailable = Math.max(0, desired - ready);
    long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
    String name = d.getMetadata().getName();

    List<DeploymentCondition> conditions = new ArrayList<>();
    int maxUnavailable = desired / 4; // 25%, rounded down
    conditions.add(
        ready >= desired - maxUnavailable
            ? condition(
                previous,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                now)
            : condition(
                previous,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                now));

    DeploymentCondition progressing = find(previous, "Progressing");
    boolean complete = replicas == desired && ready == desired;
    boolean progressed =
        before == null
            || !Objects.equals(before.getObservedGeneration(), generation)
            || !Objects.equals(before.getReplicas(), replicas)
            || !Objects.equals(before.getReadyReplicas(), ready)
            || !Objects.equals(before.getUpdatedReplicas(), replicas);
    if (complete) {
      conditions.add(
          condition(
              previous,
              "Progressing",
              "True",
              "NewReplicaSetAvailable",
              "ReplicaSet \"" + name + "\" has successfully progressed.",
              now));
    } else if (progressed
        || progressing == null
        || "NewReplicaSetAvailable".equals(progressing.getReason())) {
      DeploymentCondition c =
          condition(
              previous,
              "Progressing",
              "True",
              "ReplicaSetUpdated",
              "ReplicaSet \"" + name + "\" is progressing.",
              now);
      c.setLastUpdateTime(timestamp(now)); // progress: the deadline counts from now
      conditions.add(c);
    } else if ("ReplicaSetUpdated".equals(progressing.getReason())
        && !now.isBefore(parse(progressing.getLastUpdateTime(), now).plus(progressDeadline(d)))) {
      conditions.add(
          condition(
              previous,
              "Progressing",
              "False",
              "ProgressDeadlineExceeded",
              "ReplicaSet \"" + name + "\" has timed out progressing.",
              now));
    } else {
      conditions.add(progressing);
    }
    if (refusal != null) {
      conditions.add(condition(previous, "ReplicaFailure", "True", "FailedCreate", refusal, now));
    }
    return new DeploymentStatusBuilder()
        .withObservedGeneration(generation)
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withUnavailableReplicas(unavailable)
        .withConditions(conditions)
        .build();
  }

  /**
   * When the Deployment's progress deadline passes with no progress, for the agent to look again
   * then; null when it is not progressing.
   */
  public static Instant progressDeadlineAt(Deployment d, DeploymentStatus status) {
    DeploymentCondition p =
        status == null || status.getConditions() == null
            ? null
            : find(status.getConditions(), "Progressing");
    if (p == null || !"ReplicaSetUpdated".equals(p.getReason())) {
      return null;
    }
    return parse(p.getLastUpdateTime(), Instant.EPOCH).plus(progressDeadline(d));
  }

  static Duration progressDeadline(Deployment d) {
    Integer s = d.getSpec() == null ? null : d.getSpec().getProgressDeadlineSeconds();
    return Duration.ofSeconds(s == null ? DEFAULT_PROGRESS_DEADLINE_SECONDS : s);
  }

  private static DeploymentCondition find(List<DeploymentCondition> conditions, String type) {
    for (DeploymentCondition c : conditions) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /** A condition that keeps its times while its status (and, for the update time, all) holds. */
  private static DeploymentCondition condition(
      List<DeploymentCondition> previous,
      String type,
      String status,
      String reason,
      String message,
      Instant now) {
    DeploymentCondition p = find(previous, type);
    String stamp = timestamp(now);
    boolean sameStatus = p != null && status.equals(p.getStatus());
    boolean sameAll =
        sameStatus
            && Objects.equals(reason, p.getReason())
            && Objects.equals(message, p.getMessage());
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(
            sameStatus && p.getLastTransitionTime() != null ? p.getLastTransitionTime() : stamp)
        .withLastUpdateTime(
            sameAll && p.getLastUpdateTime() != null ? p.getLastUpdateTime() : stamp)
        .build();
  }

  static String timestamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static Instant parse(String t, Instant otherwise) {
    if (t == null) {
      return otherwise;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      return otherwise;
    }
  }
}
