package dev.pilotlight.api.validation;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.model.RevisionTemplate;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.api.model.TrafficTarget;
import dev.pilotlight.api.naming.Names;
import dev.pilotlight.api.reserve.ReserveAnnotations;
import dev.pilotlight.api.reserve.ReserveSpecs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Knative's validation rules for user-declared resources, as a pure function. {@code localMode}
 * adds the rules of the local process runtime (a container must have a command); otherwise a
 * container must have an image. Messages state the value and what was expected.
 */
public final class Validator {
  private static final long MAX_TIMEOUT_SECONDS = 3600;
  private static final long MAX_CONTAINER_CONCURRENCY = 1000;

  private final Supplier<AutoscalerConfig> autoscalerConfig;
  private final boolean localMode;

  public Validator(AutoscalerConfig autoscalerConfig, boolean localMode) {
    this(() -> autoscalerConfig, localMode);
  }

  /**
   * @param autoscalerConfig the config in force, read at every validation (it may change while a
   *     component runs)
   */
  public Validator(Supplier<AutoscalerConfig> autoscalerConfig, boolean localMode) {
    this.autoscalerConfig = autoscalerConfig;
    this.localMode = localMode;
  }

  /**
   * Every violation of {@code resource}, empty when valid. Field paths are relative to the resource
   * root.
   */
  public List<Violation> validate(Resource resource) {
    List<Violation> v = new ArrayList<>();
    metadata(resource.metadata(), v);
    String name = resource.metadata() == null ? null : resource.metadata().name();
    if (resource instanceof Service s) {
      if (s.spec() == null) {
        v.add(new Violation("spec", "required"));
        return v;
      }
      template(s.spec().template(), name, v);
      traffic(s.spec().traffic(), name, true, false, v);
    } else if (resource instanceof Configuration c) {
      if (c.spec() == null) {
        v.add(new Violation("spec", "required"));
        return v;
      }
      template(c.spec().template(), name, v);
    } else if (resource instanceof Route r) {
      if (r.spec() == null) {
        v.add(new Violation("spec", "required"));
        return v;
      }
      traffic(r.spec().traffic(), null, false, true, v);
    }
    return v;
  }

  private static void metadata(ObjectMeta m, List<Violation> v) {
    if (m == null || m.name() == null || m.name().isEmpty()) {
      v.add(new Violation("metadata.name", "required"));
      return;
    }
    if (!m.name().matches("[a-z]([-a-z0-9]*[a-z0-9])?") || m.name().length() > 63) {
      v.add(
          new Violation(
              "metadata.name",
              quote(m.name())
                  + " (expected: a DNS-1035 label: lower case letters, digits and '-', starting with a letter, at most 63)"));
    }
    if (m.namespace() != null && !Names.isDnsLabel(m.namespace())) {
      v.add(new Violation("metadata.namespace", quote(m.namespace()) + " (expected: a DNS label)"));
    }
  }

  private void template(RevisionTemplate t, String configName, List<Violation> v) {
    if (t == null) {
      v.add(new Violation("spec.template", "required"));
      return;
    }
    String tn = t.metadata().name();
    if (tn != null && configName != null) {
      if (!tn.startsWith(configName + "-")) {
        v.add(
            new Violation(
                "spec.template.metadata.name",
                quote(tn) + " (expected: prefixed by \"" + configName + "-\")"));
      } else if (!Names.isDnsLabel(tn)) {
        v.add(new Violation("spec.template.metadata.name", quote(tn) + " (expected: a DNS label)"));
      }
    }
    for (Violation a : ScalingSpecs.validate(t.metadata().annotations(), autoscalerConfig.get())) {
      v.add(new Violation("spec.template.metadata." + a.field(), a.message()));
    }
    RevisionSpec spec = t.spec();
    reserve(t.metadata().annotations(), spec == null ? 0 : spec.concurrencyLimit(), v);
    if (spec == null) {
      v.add(new Violation("spec.template.spec", "required"));
      return;
    }
    revisionSpec(spec, v);
  }

  /** The pilot light's annotations; serves-up-to counts concurrent requests, so not with rps. */
  private static void reserve(
      Map<String, String> annotations, int containerConcurrency, List<Violation> v) {
    for (Violation a : ReserveSpecs.validate(annotations, containerConcurrency)) {
      v.add(new Violation("spec.template.metadata." + a.field(), a.message()));
    }
    boolean servesAlone =
        ReserveSpecs.lenient(annotations, containerConcurrency)
            .map(r -> r.servesUpTo() > 0)
            .orElse(false);
    if (servesAlone
        && ScalingSpec.METRIC_RPS.equals(annotations.get(AutoscalingAnnotations.METRIC))) {
      String servesUpTo = annotations.get(ReserveAnnotations.SERVES_UP_TO);
      v.add(
          new Violation(
              "spec.template.metadata." + ReserveSpecs.field(ReserveAnnotations.SERVES_UP_TO),
              "\""
                  + servesUpTo
                  + "\" (expected: 0 with autoscaling.knative.dev/metric: rps; it counts concurrent requests)"));
    }
  }

  private void revisionSpec(RevisionSpec spec, List<Violation> v) {
    String p = "spec.template.spec";
    if (spec.containers().size() != 1) {
      v.add(
          new Violation(
              p + ".containers", spec.containers().size() + " containers (expected: exactly 1)"));
    } else {
      container(spec.containers().get(0), p + ".containers[0]", v);
    }
    if (spec.containerConcurrency() != null
        && (spec.containerConcurrency() < 0
            || spec.containerConcurrency() > MAX_CONTAINER_CONCURRENCY)) {
      v.add(
          new Violation(
              p + ".containerConcurrency",
              spec.containerConcurrency() + " (expected: 0..1000, 0 = unlimited)"));
    }
    long timeout =
        spec.timeoutSeconds() == null
            ? RevisionSpec.DEFAULT_TIMEOUT_SECONDS
            : spec.timeoutSeconds();
    if (spec.timeoutSeconds() != null && (timeout < 1 || timeout > MAX_TIMEOUT_SECONDS)) {
      v.add(new Violation(p + ".timeoutSeconds", timeout + " (expected: 1..3600)"));
    }
    within(spec.responseStartTimeoutSeconds(), timeout, p + ".responseStartTimeoutSeconds", v);
    within(spec.idleTimeoutSeconds(), timeout, p + ".idleTimeoutSeconds", v);
  }

  private static void within(Long value, long timeout, String field, List<Violation> v) {
    if (value != null && (value < 0 || value > timeout)) {
      v.add(
          new Violation(field, value + " (expected: 0.." + timeout + ", at most timeoutSeconds)"));
    }
  }

  private void container(Container c, String p, List<Violation> v) {
    boolean hasCommand = c.getCommand() != null && !c.getCommand().isEmpty();
    if (localMode && !hasCommand) {
      v.add(
          new Violation(
              p + ".command",
              "required in local mode (the local runtime starts the command as a process; image is only used on Kubernetes)"));
    }
    if (!localMode && (c.getImage() == null || c.getImage().isEmpty())) {
      v.add(new Violation(p + ".image", "required"));
    }
    List<ContainerPort> ports = c.getPorts() == null ? List.of() : c.getPorts();
    if (ports.size() > 1) {
      v.add(new Violation(p + ".ports", ports.size() + " ports (expected: at most 1)"));
    }
    for (int i = 0; i < ports.size(); i++) {
      ContainerPort port = ports.get(i);
      Integer n = port.getContainerPort();
      if (n != null && (n < 1 || n > 65535)) {
        v.add(new Violation(p + ".ports[" + i + "].containerPort", n + " (expected: 1..65535)"));
      }
      if (port.getName() != null && !Set.of("http1", "h2c").contains(port.getName())) {
        v.add(
            new Violation(
                p + ".ports[" + i + "].name",
                quote(port.getName()) + " (expected: one of http1, h2c)"));
      }
    }
    List<EnvVar> env = c.getEnv() == null ? List.of() : c.getEnv();
    for (int i = 0; i < env.size(); i++) {
      EnvVar e = env.get(i);
      if (e.getName() == null || !e.getName().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        v.add(
            new Violation(
                p + ".env[" + i + "].name",
                quote(e.getName()) + " (expected: a C identifier, e.g. MY_VAR)"));
      }
      if (localMode && e.getValueFrom() != null) {
        v.add(
            new Violation(
                p + ".env[" + i + "].valueFrom", "not supported in local mode (expected: value)"));
      }
    }
    probe(c.getReadinessProbe(), p + ".readinessProbe", v);
    if (c.getLivenessProbe() != null) {
      probe(c.getLivenessProbe(), p + ".livenessProbe", v);
    }
  }

  private static void probe(Probe probe, String p, List<Violation> v) {
    if (probe == null) {
      return;
    }
    int handlers = (probe.getHttpGet() != null ? 1 : 0) + (probe.getTcpSocket() != null ? 1 : 0);
    if (probe.getExec() != null || probe.getGrpc() != null) {
      v.add(
          new Violation(
              p, "exec and grpc probes are not supported (expected: httpGet or tcpSocket)"));
    } else if (handlers != 1) {
      v.add(new Violation(p, handlers + " handlers (expected: exactly one of httpGet, tcpSocket)"));
    }
    if (probe.getHttpGet() != null) {
      String path = probe.getHttpGet().getPath();
      if (path != null && !path.startsWith("/")) {
        v.add(new Violation(p + ".httpGet.path", quote(path) + " (expected: starts with '/')"));
      }
    }
    positive(probe.getPeriodSeconds(), p + ".periodSeconds", v);
    positive(probe.getFailureThreshold(), p + ".failureThreshold", v);
    positive(probe.getTimeoutSeconds(), p + ".timeoutSeconds", v);
  }

  private static void positive(Integer n, String field, List<Violation> v) {
    if (n != null && n < 1) {
      v.add(new Violation(field, n + " (expected: >= 1)"));
    }
  }

  /**
   * @param owner the service name for a Service's traffic (latestRevision refers to it; revision
   *     names must carry its prefix), null for a Route
   */
  private static void traffic(
      List<TrafficTarget> traffic,
      String owner,
      boolean isService,
      boolean required,
      List<Violation> v) {
    if (traffic.isEmpty()) {
      if (required) {
        v.add(new Violation("spec.traffic", "empty (expected: at least one target)"));
      }
      return;
    }
    long sum = 0;
    Set<String> tags = new HashSet<>();
    for (int i = 0; i < traffic.size(); i++) {
      TrafficTarget t = traffic.get(i);
      String p = "spec.traffic[" + i + "]";
      int kinds =
          (t.revisionName() != null ? 1 : 0)
              + (t.configurationName() != null ? 1 : 0)
              + (t.isLatest() ? 1 : 0);
      if (isService && t.configurationName() != null) {
        v.add(
            new Violation(
                p + ".configurationName",
                "not allowed on a Service (expected: revisionName or latestRevision: true)"));
      } else if (kinds == 2 && t.isLatest() && t.configurationName() != null) {
        // Route: configurationName with latestRevision: true is Knative's explicit form
      } else if (kinds != 1) {
        v.add(
            new Violation(
                p,
                kinds == 0
                    ? "no target (expected: exactly one of revisionName, configurationName, latestRevision: true)"
                    : "several targets (expected: exactly one of revisionName, configurationName, latestRevision: true)"));
      }
      if (!isService && t.isLatest() && t.configurationName() == null) {
        v.add(new Violation(p + ".latestRevision", "needs configurationName on a Route"));
      }
      if (Boolean.FALSE.equals(t.latestRevision()) && t.revisionName() == null) {
        v.add(new Violation(p + ".revisionName", "required when latestRevision is false"));
      }
      if (isService
          && t.revisionName() != null
          && owner != null
          && !t.revisionName().startsWith(owner + "-")) {
        v.add(
            new Violation(
                p + ".revisionName",
                quote(t.revisionName()) + " (expected: prefixed by \"" + owner + "-\")"));
      }
      if (t.percent() != null && (t.percent() < 0 || t.percent() > 100)) {
        v.add(new Violation(p + ".percent", t.percent() + " (expected: 0..100)"));
      }
      sum += t.percentOrZero();
      if (t.tag() != null) {
        if (!Names.isDnsLabel(t.tag())) {
          v.add(
              new Violation(
                  p + ".tag",
                  quote(t.tag()) + " (expected: a DNS label: lower case letters, digits and '-')"));
        } else if (!tags.add(t.tag())) {
          v.add(
              new Violation(p + ".tag", quote(t.tag()) + " is used twice (expected: unique tags)"));
        }
      }
    }
    if (sum != 100) {
      v.add(new Violation("spec.traffic", "percents sum to " + sum + " (expected: 100)"));
    }
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
