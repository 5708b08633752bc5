package dev.pilotlight.controller.local;

import static dev.pilotlight.api.kubernetes.KubernetesNames.INSTANCE_CLASS_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.REVISION_LABEL;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.controller.kubernetes.desired.RevisionChildren;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreHandler;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The user-facing event lines of local mode, read off the object store's changes as {@code kubectl
 * get events} and {@code kubectl get -w} would show them: a revision stamped or deleted, a
 * revision, configuration or route turning ready or not (with the reconcilers' reason and message),
 * a route's traffic changing, the autoscaler's desired scale changing, the pilot light starting,
 * ready and stopped. Each is a pure function of an object before and after a change; {@link #watch}
 * prints them as the store changes.
 */
public final class ObjectEvents {
  private ObjectEvents() {}

  /** One event line, about a revision ({@code namespace/name}) when {@code revision} is set. */
  public record Line(String revision, String message) {}

  /**
   * Watches {@code store} and tells {@code events} each line; the returned handle stops watching.
   */
  public static AutoCloseable watch(ObjectStore store, ControllerEvents events) {
    List<AutoCloseable> watches = new ArrayList<>();
    watches.add(store.watch(RevisionResource.class, handler(ObjectEvents::revision, events)));
    watches.add(
        store.watch(ConfigurationResource.class, handler(ObjectEvents::configuration, events)));
    watches.add(store.watch(RouteResource.class, handler(ObjectEvents::route, events)));
    watches.add(store.watch(Deployment.class, handler(ObjectEvents::deployment, events)));
    watches.add(store.watch(Pod.class, handler(ObjectEvents::pod, events)));
    return () -> {
      for (AutoCloseable w : watches) {
        w.close();
      }
    };
  }

  private static <T extends HasMetadata> StoreHandler<T> handler(
      BiFunction<T, T, List<Line>> lines, ControllerEvents events) {
    return new StoreHandler<>() {
      @Override
      public void onAdd(T object) {
        tell(lines.apply(null, object));
      }

      @Override
      public void onUpdate(T before, T after) {
        tell(lines.apply(before, after));
      }

      @Override
      public void onDelete(T object) {
        tell(lines.apply(object, null));
      }

      private void tell(List<Line> out) {
        for (Line l : out) {
          if (l.revision() == null) {
            events.event(l.message());
          } else {
            events.revisionEvent(l.revision(), l.message());
          }
        }
      }
    };
  }

  /** A revision deleted, or its Ready condition changing (reason and message). */
  public static List<Line> revision(RevisionResource before, RevisionResource after) {
    List<Line> out = new ArrayList<>();
    RevisionResource any = after != null ? after : before;
    String key = key(any);
    if (after == null) {
      out.add(new Line(key, "Revision " + key + ": deleted"));
      return out;
    }
    readiness("Revision", key, conditions(before), conditions(after))
        .ifPresent(m -> out.add(new Line(key, m)));
    return out;
  }

  /** A configuration turning ready or not (a template refused, its latest revision failing). */
  public static List<Line> configuration(
      ConfigurationResource before, ConfigurationResource after) {
    if (after == null) {
      return List.of();
    }
    return readiness(
            "Configuration",
            key(after),
            before == null || before.getStatus() == null ? null : before.getStatus().conditions(),
            after.getStatus() == null ? null : after.getStatus().conditions())
        .map(m -> List.of(new Line(null, m)))
        .orElse(List.of());
  }

  /** A route's traffic changing, or its Ready condition (traffic that cannot be assigned). */
  public static List<Line> route(RouteResource before, RouteResource after) {
    if (after == null) {
      return before == null
          ? List.of()
          : List.of(new Line(null, "Route " + key(before) + ": deleted"));
    }
    List<Line> out = new ArrayList<>();
    List<TrafficStatus> was = traffic(before);
    List<TrafficStatus> now = traffic(after);
    if (!now.isEmpty() && !now.equals(was)) {
      out.add(new Line(null, "Route " + key(after) + ": traffic " + describe(now)));
    }
    readiness(
            "Route",
            key(after),
            before == null || before.getStatus() == null ? null : before.getStatus().conditions(),
            after.getStatus() == null ? null : after.getStatus().conditions())
        .ifPresent(m -> out.add(new Line(null, m)));
    return out;
  }

  /**
   * An instance restarted: its pod's restart count grew, with what ended its last run (the
   * kubelet's {@code BackOff} event, in a line).
   */
  public static List<Line> pod(Pod before, Pod after) {
    if (before == null || after == null) {
      return List.of();
    }
    int now = restarts(after);
    if (now <= restarts(before)) {
      return List.of();
    }
    String revision = label(after, REVISION_LABEL);
    String key = revision == null ? null : ns(after) + "/" + revision;
    String why = null;
    for (ContainerStatus cs : containerStatuses(after)) {
      ContainerStateTerminated t =
          cs.getLastState() == null ? null : cs.getLastState().getTerminated();
      if (t != null) {
        why =
            t.getMessage() != null
                ? t.getMessage()
                : t.getReason() != null ? t.getReason() : "exit code " + t.getExitCode();
        break;
      }
    }
    return List.of(
        new Line(
            key,
            (key == null ? "Pod " + key(after) : "Revision " + key)
                + ": instance "
                + name(after)
                + " restarted ("
                + now
                + (now == 1 ? " restart" : " restarts")
                + ")"
                + (why == null ? "" : ": " + why)));
  }

  private static int restarts(Pod p) {
    int n = 0;
    for (ContainerStatus cs : containerStatuses(p)) {
      n += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
    }
    return n;
  }

  private static List<ContainerStatus> containerStatuses(Pod p) {
    return p.getStatus() == null || p.getStatus().getContainerStatuses() == null
        ? List.of()
        : p.getStatus().getContainerStatuses();
  }

  /** The pilot light: its Deployment told to run, its instance ready, told to stop. */
  public static List<Line> deployment(Deployment before, Deployment after) {
    Deployment any = after != null ? after : before;
    if (!RevisionChildren.RESERVE.equals(templateLabel(any, INSTANCE_CLASS_LABEL))) {
      return List.of();
    }
    String revision = label(any, REVISION_LABEL);
    if (revision == null) {
      return List.of();
    }
    String key = ns(any) + "/" + revision;
    int wasWanted = before == null ? 0 : replicas(before);
    int nowWanted = after == null ? 0 : replicas(after);
    int wasReady = before == null ? 0 : ready(before);
    int nowReady = after == null ? 0 : ready(after);
    List<Line> out = new ArrayList<>();
    if (wasWanted == 0 && nowWanted > 0) {
      out.add(new Line(key, "Revision " + key + ": pilot light: starting the reserve instance"));
    }
    if (wasReady == 0 && nowReady > 0 && nowWanted > 0) {
      out.add(new Line(key, "Revision " + key + ": pilot light: reserve instance ready"));
    }
    if (wasWanted > 0 && nowWanted == 0 && after != null) {
      out.add(
          new Line(
              key,
              "Revision "
                  + key
                  + ": pilot light: a standard instance is ready, the reserve finishes its"
                  + " requests and stops"));
    }
    return out;
  }

  /**
   * "ready" when Ready turns True, "{reason}: {message}" when it turns False or its reason or
   * message changes while False; nothing for Unknown (deploying) or no change.
   */
  static Optional<String> readiness(
      String kind, String key, List<Condition> before, List<Condition> after) {
    Cond was = before == null ? null : Conditions.get(before, Conditions.READY);
    Cond now = after == null ? null : Conditions.get(after, Conditions.READY);
    if (now == null || Objects.equals(was, now)) {
      return Optional.empty();
    }
    if (now.isTrue() && (was == null || !was.isTrue())) {
      return Optional.of(kind + " " + key + ": ready");
    }
    if (now.isFalse()) {
      return Optional.of(
          kind
              + " "
              + key
              + ": "
              + (now.reason() == null ? "not ready" : now.reason())
              + (now.message() == null ? "" : ": " + now.message()));
    }
    return Optional.empty();
  }

  private static String describe(List<TrafficStatus> traffic) {
    return traffic.stream()
        .map(
            t ->
                (t.revisionName() == null ? "?" : t.revisionName())
                    + " "
                    + (t.percent() == null ? 0 : t.percent())
                    + "%"
                    + (t.tag() == null ? "" : " (tag " + t.tag() + ")"))
        .collect(Collectors.joining(", "));
  }

  private static List<TrafficStatus> traffic(RouteResource r) {
    if (r == null || r.getStatus() == null || r.getStatus().traffic() == null) {
      return List.of();
    }
    return r.getStatus().traffic();
  }

  private static List<Condition> conditions(RevisionResource r) {
    return r == null || r.getStatus() == null ? null : r.getStatus().conditions();
  }

  private static int replicas(Deployment d) {
    return d.getSpec() == null || d.getSpec().getReplicas() == null ? 0 : d.getSpec().getReplicas();
  }

  private static int ready(Deployment d) {
    return d.getStatus() == null || d.getStatus().getReadyReplicas() == null
        ? 0
        : d.getStatus().getReadyReplicas();
  }

  private static String templateLabel(Deployment d, String label) {
    if (d.getSpec() == null
        || d.getSpec().getTemplate() == null
        || d.getSpec().getTemplate().getMetadata() == null) {
      return label(d, label);
    }
    Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
    String v = labels == null ? null : labels.get(label);
    return v != null ? v : label(d, label);
  }

  private static String label(HasMetadata o, String label) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? null : labels.get(label);
  }

  private static String key(HasMetadata o) {
    return ns(o) + "/" + name(o);
  }

  private static String ns(HasMetadata o) {
    return o.getMetadata().getNamespace();
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }
}
