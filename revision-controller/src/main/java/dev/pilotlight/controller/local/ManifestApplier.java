package dev.pilotlight.controller.local;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.manifest.ManifestReader;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.controller.kubernetes.ClusterWrites;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreErrors;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies the resources of manifest files to an {@link ObjectStore} as {@code kubectl apply} (with
 * {@code --prune} per file) would, so local mode's controller reconciles what the user wrote
 * exactly as on a cluster.
 *
 * <ul>
 *   <li>Each document creates its object, or updates its spec, labels and annotations; the status
 *       is never written (the controller's), and {@code generation} moves only when the spec
 *       changes (the store's rule). An unchanged document writes nothing.
 *   <li>Each object applied records its file in the annotation {@link #SOURCE_ANNOTATION}. A
 *       document gone from its file deletes its object ({@link #apply}), a file gone deletes all of
 *       its objects ({@link #removeSource}, {@link #retainSources} at startup); objects of other
 *       files, and the controller's own children, are never touched.
 *   <li>A name is declared by one file only, as local mode always had it: a Service claims its name
 *       for a Service, a Configuration and a Route; a Configuration or a Route its own kind's. A
 *       document whose name another file (or an earlier document of the same file) already declares
 *       is refused, reported through {@link ControllerEvents} naming both files, and the rest of
 *       the file is applied. A refused document is applied once the name is free (its file applied
 *       again, or the other file's object deleted).
 *   <li>A write that meets a concurrent one (409) is retried from a fresh read, at most {@link
 *       #MAX_ATTEMPTS} times; any other refusal of the store is reported for that document.
 * </ul>
 *
 * <p>A file declaring an object more than once is applied in stages ({@link
 * ManifestReader#stages}): each declaration is written in turn, as {@code kubectl apply -f} writes
 * its documents one by one. Thread-safe: calls are serialized.
 */
public final class ManifestApplier {
  /** On every object applied from a file: the file's path, as given to {@link #apply}. */
  public static final String SOURCE_ANNOTATION = "pilotlight.dev/source";

  /** Attempts of one document's write when it meets concurrent writes (409). */
  public static final int MAX_ATTEMPTS = 5;

  /** The kinds a manifest declares, in the order a name is claimed. */
  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(ServiceResource.class, ConfigurationResource.class, RouteResource.class);

  private final ObjectStore store;
  private final ClusterWrites writes;
  private final ControllerEvents events;

  /** Documents refused because another file held the name, by file: applied once it is free. */
  private final Map<String, List<Resource>> refused = new LinkedHashMap<>();

  /** Refusals reported, so a file applied again does not repeat them. */
  private final Set<String> reported = new LinkedHashSet<>();

  /**
   * @param store where the objects are kept
   * @param events where refusals and failed writes are reported, for the user
   */
  public ManifestApplier(ObjectStore store, ControllerEvents events) {
    this(store, store, events);
  }

  /**
   * @param store where the objects are read
   * @param writes where they are written: the store, or a wrapper of it (tests of concurrent
   *     writes)
   * @param events where refusals and failed writes are reported, for the user
   */
  public ManifestApplier(ObjectStore store, ClusterWrites writes, ControllerEvents events) {
    this.store = Objects.requireNonNull(store, "store");
    this.writes = Objects.requireNonNull(writes, "writes");
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * Applies what {@code source} (a file's path) holds now: {@code resources} as a {@link
   * ManifestReader} returned them (validated, namespaces defaulted), in file order.
   */
  public synchronized void apply(String source, List<Resource> resources) {
    requireSource(source);
    Objects.requireNonNull(resources, "resources");
    refused.remove(source);
    List<List<Resource>> stages = ManifestReader.stages(resources);
    List<Resource> all = stages.get(stages.size() - 1);
    // first the documents gone, so a name that changes kind within the file is free again
    Set<Ref> kept = new LinkedHashSet<>();
    for (Resource r : all) {
      kept.add(Ref.of(r));
    }
    boolean deleted = false;
    for (Ref ref : appliedFrom(source)) {
      if (!kept.contains(ref)) {
        release(source, ref);
        deleted = true;
      }
    }
    List<Resource> refusedNow = new ArrayList<>();
    for (List<Resource> stage : stages) {
      refusedNow.clear();
      Map<String, String> claimed = new HashMap<>();
      for (Resource r : stage) {
        Optional<String> clash = clash(source, r, claimed);
        if (clash.isPresent()) {
          refusedNow.add(r);
          String message = r.describe() + " in " + source + " ignored: " + clash.get();
          if (reported.add(message)) {
            events.event(message);
          }
          continue;
        }
        for (String claim : claims(r)) {
          claimed.put(claim, source);
        }
        write(source, r);
      }
    }
    if (!refusedNow.isEmpty()) {
      refused.put(source, List.copyOf(refusedNow));
    } else {
      forgetReports(source);
    }
    if (deleted) {
      retryRefused(source);
    }
  }

  /** Deletes every object applied from {@code source}: the file was removed. */
  public synchronized void removeSource(String source) {
    requireSource(source);
    refused.remove(source);
    forgetReports(source);
    boolean deleted = false;
    for (Ref ref : appliedFrom(source)) {
      release(source, ref);
      deleted = true;
    }
    if (deleted) {
      retryRefused(source);
    }
  }

  /**
   * Deletes every object applied from a file not among {@code sources}: at startup, the files
   * removed while local mode was down.
   */
  public synchronized void retainSources(Set<String> sources) {
    Objects.requireNonNull(sources, "sources");
    Set<String> gone = new LinkedHashSet<>();
    for (Class<? extends HasMetadata> type : KINDS) {
      for (HasMetadata o : store.list(type)) {
        String s = sourceOf(o);
        if (s != null && !isOwned(o) && !sources.contains(s)) {
          gone.add(s);
        }
      }
    }
    for (String source : gone) {
      removeSource(source);
    }
    refused.keySet().retainAll(sources);
  }

  // ---- conflicts ----

  /**
   * Why {@code r} cannot be applied from {@code source}: its name is declared by another file, by
   * an earlier document of this one ({@code claimed}), or is a Service's child; else empty.
   */
  private Optional<String> clash(String source, Resource r, Map<String, String> claimed) {
    for (String claim : claims(r)) {
      if (claimed.containsKey(claim)) {
        return Optional.of("the name is already declared in " + claimed.get(claim));
      }
    }
    String ns = r.namespace();
    ObjectKey key = new ObjectKey(ns, r.name());
    ServiceResource service = store.get(ServiceResource.class, key);
    if (service != null && !(r instanceof Service) && !source.equals(sourceOf(service))) {
      return Optional.of("the name is already declared in " + origin(service));
    }
    if (!(r instanceof Route)) {
      Optional<String> c = taken(source, r, store.get(ConfigurationResource.class, key));
      if (c.isPresent()) {
        return c;
      }
    }
    if (!(r instanceof Configuration)) {
      Optional<String> c = taken(source, r, store.get(RouteResource.class, key));
      if (c.isPresent()) {
        return c;
      }
    }
    if (r instanceof Service && service != null && !source.equals(sourceOf(service))) {
      return Optional.of("the name is already declared in " + origin(service));
    }
    return Optional.empty();
  }

  /** Whether {@code existing} (a Configuration or Route) keeps {@code r} from its name. */
  private static Optional<String> taken(String source, Resource r, HasMetadata existing) {
    if (existing == null) {
      return Optional.empty();
    }
    Optional<OwnerReference> owner = controller(existing);
    if (owner.isPresent()) {
      // a Service's child: its own Service may update it, nothing else
      boolean ownService =
          r instanceof Service
              && "Service".equals(owner.get().getKind())
              && r.name().equals(owner.get().getName());
      return ownService
          ? Optional.empty()
          : Optional.of(
              "the name is taken by the "
                  + existing.getKind()
                  + " of "
                  + owner.get().getKind()
                  + " "
                  + existing.getMetadata().getNamespace()
                  + "/"
                  + owner.get().getName()
                  + (sourceOf(existing) == null ? "" : ", declared in " + sourceOf(existing)));
    }
    if (source.equals(sourceOf(existing)) && existing.getKind().equals(r.kind())) {
      return Optional.empty();
    }
    return Optional.of("the name is already declared in " + origin(existing));
  }

  private static String origin(HasMetadata o) {
    String s = sourceOf(o);
    return s == null ? "an object not applied from a file" : s;
  }

  /** The names {@code r} claims, as {@code Kind namespace/name}. */
  private static List<String> claims(Resource r) {
    String id = " " + r.namespace() + "/" + r.name();
    if (r instanceof Service) {
      return List.of(Service.KIND + id, Configuration.KIND + id, Route.KIND + id);
    }
    return List.of(r.kind() + id);
  }

  private void retryRefused(String except) {
    for (Map.Entry<String, List<Resource>> e : List.copyOf(refused.entrySet())) {
      if (e.getKey().equals(except)) {
        continue;
      }
      // applying the whole file again would delete what it holds now: only the refused ones
      Map<String, String> claimed = new HashMap<>();
      List<Resource> still = new ArrayList<>();
      for (Resource r : e.getValue()) {
        if (clash(e.getKey(), r, claimed).isPresent()) {
          still.add(r);
          continue;
        }
        for (String claim : claims(r)) {
          claimed.put(claim, e.getKey());
        }
        write(e.getKey(), r);
      }
      if (still.isEmpty()) {
        refused.remove(e.getKey());
        forgetReports(e.getKey());
      } else {
        refused.put(e.getKey(), List.copyOf(still));
      }
    }
  }

  /**
   * Lets go of an object {@code source} no longer declares: handed over to another file that
   * declares it too (a file renamed, a document moved), so its revisions live on; else deleted.
   */
  private void release(String source, Ref ref) {
    for (Map.Entry<String, List<Resource>> e : refused.entrySet()) {
      if (e.getKey().equals(source)) {
        continue;
      }
      for (Resource r : e.getValue()) {
        if (Ref.of(r).equals(ref)) {
          List<Resource> rest = new ArrayList<>(e.getValue());
          rest.remove(r);
          e.setValue(List.copyOf(rest));
          write(e.getKey(), r);
          return;
        }
      }
    }
    writes.delete(ref.type(), ref.key());
  }

  private void forgetReports(String source) {
    reported.removeIf(m -> m.contains(" in " + source + " ignored: "));
  }

  // ---- writes ----

  /** Creates or updates one document's object, retrying concurrent writes. */
  private void write(String source, Resource r) {
    HasMetadata desired = toObject(source, r);
    KubernetesClientException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        HasMetadata existing = store.get(desired.getClass(), ObjectKey.of(desired));
        if (existing == null) {
          writes.create(desired);
        } else if (!sameUserFields(existing, desired)) {
          writes.update(merged(existing, desired));
        }
        return;
      } catch (KubernetesClientException e) {
        if (!StoreErrors.isConflict(e)) {
          events.event(r.describe() + " in " + source + " not applied: " + e.getMessage());
          return;
        }
        last = e;
      }
    }
    events.event(
        r.describe()
            + " in "
            + source
            + " not applied: "
            + MAX_ATTEMPTS
            + " attempts met concurrent writes ("
            + last.getMessage()
            + "); it is applied again when the file changes");
  }

  /** {@code existing} with the user's fields of {@code desired}: spec, labels, annotations. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static HasMetadata merged(HasMetadata existing, HasMetadata desired) {
    existing.getMetadata().setLabels(desired.getMetadata().getLabels());
    existing.getMetadata().setAnnotations(desired.getMetadata().getAnnotations());
    ((io.fabric8.kubernetes.client.CustomResource) existing)
        .setSpec(((io.fabric8.kubernetes.client.CustomResource) desired).getSpec());
    return existing;
  }

  private static boolean sameUserFields(HasMetadata existing, HasMetadata desired) {
    return Objects.equals(specOf(existing), specOf(desired))
        && Objects.equals(orEmpty(existing.getMetadata().getLabels()), labelsOf(desired))
        && Objects.equals(
            orEmpty(existing.getMetadata().getAnnotations()),
            orEmpty(desired.getMetadata().getAnnotations()));
  }

  private static Object specOf(HasMetadata o) {
    return ((io.fabric8.kubernetes.client.CustomResource<?, ?>) o).getSpec();
  }

  private static Map<String, String> labelsOf(HasMetadata o) {
    return orEmpty(o.getMetadata().getLabels());
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }

  /**
   * The custom resource of a manifest's document: its name, namespace, labels and annotations (plus
   * {@link #SOURCE_ANNOTATION}) and its spec, as written.
   */
  static HasMetadata toObject(String source, Resource r) {
    Map<String, String> annotations = new TreeMap<>(r.metadata().annotations());
    annotations.put(SOURCE_ANNOTATION, source);
    io.fabric8.kubernetes.api.model.ObjectMeta meta =
        new ObjectMetaBuilder()
            .withName(r.name())
            .withNamespace(r.namespace())
            .withLabels(
                r.metadata().labels().isEmpty() ? null : new TreeMap<>(r.metadata().labels()))
            .withAnnotations(annotations)
            .build();
    if (r instanceof Service s) {
      ServiceResource o = new ServiceResource();
      o.setMetadata(meta);
      o.setSpec(s.spec());
      return o;
    } else if (r instanceof Configuration c) {
      ConfigurationResource o = new ConfigurationResource();
      o.setMetadata(meta);
      o.setSpec(c.spec());
      return o;
    } else if (r instanceof Route rt) {
      RouteResource o = new RouteResource();
      o.setMetadata(meta);
      o.setSpec(rt.spec());
      return o;
    }
    throw new IllegalArgumentException("resources: unknown kind " + r.kind());
  }

  // ---- what a file applied ----

  /** One object: its type and key. */
  private record Ref(Class<? extends HasMetadata> type, ObjectKey key) {
    static Ref of(Resource r) {
      Class<? extends HasMetadata> type =
          r instanceof Service
              ? ServiceResource.class
              : r instanceof Configuration ? ConfigurationResource.class : RouteResource.class;
      return new Ref(type, new ObjectKey(r.namespace(), r.name()));
    }
  }

  /** The objects applied from {@code source} (not the controller's children, which copy it). */
  private List<Ref> appliedFrom(String source) {
    List<Ref> out = new ArrayList<>();
    for (Class<? extends HasMetadata> type : KINDS) {
      for (HasMetadata o : store.list(type)) {
        if (source.equals(sourceOf(o)) && !isOwned(o)) {
          out.add(new Ref(type, ObjectKey.of(o)));
        }
      }
    }
    return out;
  }

  static String sourceOf(HasMetadata o) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? null : a.get(SOURCE_ANNOTATION);
  }

  private static boolean isOwned(HasMetadata o) {
    return controller(o).isPresent();
  }

  private static Optional<OwnerReference> controller(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    return refs == null
        ? Optional.empty()
        : refs.stream().filter(ref -> Boolean.TRUE.equals(ref.getController())).findFirst();
  }

  private static void requireSource(String source) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("source: \"" + source + "\" (expected: a file's path)");
    }
  }
}
