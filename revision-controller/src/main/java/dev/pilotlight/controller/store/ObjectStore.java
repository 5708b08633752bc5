package dev.pilotlight.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.controller.kubernetes.ClusterEvents;
import dev.pilotlight.controller.kubernetes.ClusterWrites;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process object store that gives the reconcilers what the Kubernetes API server gives them,
 * for local mode: the same fabric8 objects, the same answers, no server.
 *
 * <ul>
 *   <li><b>Reads</b> by kind, namespace, name, labels, owner and registered indexes. Every object
 *       read is a deep copy: a caller changing it changes nothing here.
 *   <li><b>Create</b> assigns {@code uid}, {@code creationTimestamp}, {@code generation} 1 and a
 *       {@code resourceVersion}; a name taken is 409 AlreadyExists. The status given is dropped, as
 *       by an API server with a status subresource.
 *   <li><b>Update</b> is guarded by {@code resourceVersion}: a stale copy is 409 Conflict, which
 *       the reconcile loop counts as a conflict and retries with backoff, as on a cluster. It
 *       replaces everything but the status; {@code generation} goes up when anything outside
 *       metadata and status changed. An update that changes nothing writes nothing.
 *   <li><b>Status writes</b> ({@link #replaceStatus}, {@link #mergeStatusFields}, {@link
 *       #replaceStatusFields}) touch only {@code status}; {@link #patchMetadata} only labels and
 *       annotations. Neither moves {@code generation}.
 *   <li><b>Delete</b> is immediate (no finalizers) and cascades: an object whose owner references
 *       all name deleted objects (by uid) is deleted too; one with another owner left loses the
 *       dangling reference, as Kubernetes' garbage collector does.
 *   <li><b>Watch</b>: each change is an add, update (before and after) or delete event, delivered
 *       to the kind's handlers in the order of the changes, off the writer's thread (on the
 *       executor of {@link StoreOptions#events()}, by default a thread of the store's own). A
 *       handler registered late first gets every existing object as an add, as an informer's does.
 *   <li><b>Durable</b> with a state directory: a write returns only once the whole state is on disk
 *       ({@link StateFile}: temporary file, fsync, rename); a write that cannot be made durable
 *       fails (500) and changes nothing. {@link #open} loads the file, so a {@code kill -9} loses
 *       no acknowledged object and renumbers nothing (resourceVersions keep growing). Kinds made
 *       {@link StoreOptions#transientKinds transient} are held in memory only: never in the file,
 *       and a write of them alone does not touch it.
 *   <li><b>Bounded</b>: at most {@link StoreOptions#maxObjects()} objects (a create beyond is
 *       refused, 403) of at most {@link StoreOptions#maxObjectBytes()} each (413).
 * </ul>
 *
 * <p>Every object is namespaced and its name a DNS subdomain. Thread-safe: writes are serialized,
 * reads run alongside each other. The refusals are {@link KubernetesClientException}s with the API
 * server's codes ({@link StoreErrors}).
 */
public final class ObjectStore implements ClusterWrites, ClusterEvents, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

  /** What local mode keeps: the serving custom resources and what realizes a revision. */
  public static final List<Class<? extends HasMetadata>> SERVING_KINDS =
      List.of(
          ServiceResource.class,
          ConfigurationResource.class,
          RevisionResource.class,
          RouteResource.class,
          PodAutoscalerResource.class,
          Deployment.class,
          Service.class,
          Pod.class,
          EndpointSlice.class);

  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** fabric8's mapper configuration, shared (a configured mapper is thread-safe). */
  private static final ObjectMapper JSON = mapper();

  private final StoreOptions options;
  private final ObjectMapper json;
  private final Map<Class<?>, Kind<?>> kinds = new LinkedHashMap<>();
  private final Map<String, Kind<?>> kindsByName = new HashMap<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Ref> byUid = new HashMap<>();
  private final Map<String, Set<Ref>> dependents = new HashMap<>();
  private final StateFile file;
  private final Executor dispatcher;
  private final ExecutorService ownDispatcher;
  private final Object eventLock = new Object();
  private final ArrayDeque<Event> pending = new ArrayDeque<>();
  private boolean draining;
  private long resourceVersion;
  private int count;
  private boolean closed;

  /** Opens a store: loads its state directory's file when it has one. */
  public static ObjectStore open(StoreOptions options) {
    return new ObjectStore(
        options, options.stateDir() == null ? null : new StateFile(options.stateDir()));
  }

  /** A store whose file writes go through {@code faults} (tests of a crash mid-write). */
  static ObjectStore open(StoreOptions options, UnaryOperator<OutputStream> faults) {
    return new ObjectStore(options, new StateFile(options.stateDir(), faults));
  }

  private ObjectStore(StoreOptions options, StateFile file) {
    this.options = options;
    this.file = file;
    this.json = JSON;
    for (Class<? extends HasMetadata> type : options.kinds()) {
      register(type);
    }
    if (options.events() != null) {
      this.ownDispatcher = null;
      this.dispatcher = options.events();
    } else {
      this.ownDispatcher =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "pilotlight-store-events");
                t.setDaemon(true);
                return t;
              });
      this.dispatcher = ownDispatcher;
    }
    if (file != null) {
      load(file.read(json));
    }
  }

  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper();
    // configures the mapper for fabric8's models; types are always given, so no class scanning
    new KubernetesSerialization(mapper, false);
    return mapper;
  }

  private <T extends HasMetadata> void register(Class<T> type) {
    String apiVersion = HasMetadata.getApiVersion(type);
    String kind = HasMetadata.getKind(type);
    Kind<T> k = new Kind<>(type, apiVersion, kind, options.transientKinds().contains(type));
    if (kindsByName.putIfAbsent(typeName(apiVersion, kind), k) != null) {
      throw new IllegalArgumentException("kinds: " + apiVersion + " " + kind + " twice");
    }
    kinds.put(type, k);
  }

  private static String typeName(String apiVersion, String kind) {
    return apiVersion + " " + kind;
  }

  private void load(StateFile.Snapshot snapshot) {
    long highest = snapshot.resourceVersion();
    for (ObjectNode node : snapshot.objects()) {
      Kind<?> kind = kindsByName.get(typeName(node.path("apiVersion").asText(), kindOf(node)));
      if (kind != null && kind.memoryOnly) {
        continue; // written by an earlier version that kept it: rebuilt by its writer
      }
      if (kind == null) {
        throw new IllegalStateException(
            "cannot load object store "
                + file.file()
                + ": it holds a "
                + node.path("apiVersion").asText()
                + " "
                + kindOf(node)
                + ", which this store does not keep");
      }
      Entry entry = entry(kind, node);
      ObjectKey key = entry.key();
      if (kind.objects.containsKey(key) || byUid.containsKey(entry.uid())) {
        throw new IllegalStateException(
            "cannot load object store " + file.file() + ": " + kind.name + " " + key + " twice");
      }
      put(kind, key, entry);
      highest = Math.max(highest, entry.resourceVersion());
    }
    resourceVersion = highest;
    if (count > options.maxObjects()) {
      LOG.warn(
          "object store {} holds {} objects, more than its cap of {}: creates are refused until"
              + " some are deleted",
          file.file(),
          count,
          options.maxObjects());
    }
    LOG.debug("object store {}: loaded {} objects", file.file(), count);
  }

  private static String kindOf(JsonNode node) {
    return node.path("kind").asText();
  }

  // ---- reads ----

  /** A copy of the object, or null. */
  public <T extends HasMetadata> T get(Class<T> type, ObjectKey key) {
    Kind<T> kind = kind(type);
    String found;
    lock.readLock().lock();
    try {
      Entry e = kind.objects.get(key);
      found = e == null ? null : e.json();
    } finally {
      lock.readLock().unlock();
    }
    return found == null ? null : read(kind, found);
  }

  /** Copies of every object of a kind, by namespace then name. */
  public <T extends HasMetadata> List<T> list(Class<T> type) {
    return list(type, null, Map.of());
  }

  /** Copies of a namespace's objects of a kind, by name. */
  public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
    return list(type, namespace, Map.of());
  }

  /**
   * Copies of the objects of a kind carrying every label of {@code selector} (equality), by
   * namespace then name.
   *
   * @param namespace null for all
   */
  public <T extends HasMetadata> List<T> list(
      Class<T> type, String namespace, Map<String, String> selector) {
    Kind<T> kind = kind(type);
    List<String> found = new ArrayList<>();
    lock.readLock().lock();
    try {
      Map<ObjectKey, Entry> scope =
          namespace == null
              ? kind.objects
              : kind.objects.subMap(
                  new ObjectKey(namespace, ""), true, new ObjectKey(namespace + "\0", ""), false);
      for (Entry e : scope.values()) {
        if (e.labels().entrySet().containsAll(selector.entrySet())) {
          found.add(e.json());
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return found.stream().map(j -> read(kind, j)).toList();
  }

  /** Copies of the objects of a kind with an owner reference to {@code ownerUid}, by key. */
  public <T extends HasMetadata> List<T> ownedBy(Class<T> type, String ownerUid) {
    Kind<T> kind = kind(type);
    List<String> found = new ArrayList<>();
    lock.readLock().lock();
    try {
      TreeSet<ObjectKey> keys = new TreeSet<>();
      for (Ref r : dependents.getOrDefault(ownerUid, Set.of())) {
        if (r.kind() == kind) {
          keys.add(r.key());
        }
      }
      for (ObjectKey k : keys) {
        found.add(kind.objects.get(k).json());
      }
    } finally {
      lock.readLock().unlock();
    }
    return found.stream().map(j -> read(kind, j)).toList();
  }

  /**
   * Copies of the objects of a kind that {@code index} maps to {@code value}, by key.
   *
   * @throws IllegalArgumentException when no such index was added
   */
  public <T extends HasMetadata> List<T> byIndex(Class<T> type, String index, String value) {
    Kind<T> kind = kind(type);
    List<String> found = new ArrayList<>();
    lock.readLock().lock();
    try {
      Map<String, Set<ObjectKey>> values = kind.indexes.get(index);
      if (values == null) {
        throw new IllegalArgumentException("no index " + index + " on " + kind.name);
      }
      for (ObjectKey k : values.getOrDefault(value, Set.of())) {
        found.add(kind.objects.get(k).json());
      }
    } finally {
      lock.readLock().unlock();
    }
    return found.stream().map(j -> read(kind, j)).toList();
  }

  /** How many objects the store holds. */
  public int size() {
    lock.readLock().lock();
    try {
      return count;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The last resourceVersion given out. */
  public long resourceVersion() {
    lock.readLock().lock();
    try {
      return resourceVersion;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---- indexes and watches ----

  /**
   * Adds an index: {@code function} maps an object to the values it is found under by {@link
   * #byIndex}. Existing objects are indexed at once. The function gets the stored object and must
   * not change it.
   */
  public <T extends HasMetadata> void addIndex(
      Class<T> type, String index, Function<T, List<String>> function) {
    Kind<T> kind = kind(type);
    lock.writeLock().lock();
    try {
      if (kind.indexers.putIfAbsent(index, function) != null) {
        throw new IllegalArgumentException("index " + index + " on " + kind.name + " twice");
      }
      Map<String, Set<ObjectKey>> values = new HashMap<>();
      kind.indexes.put(index, values);
      for (Map.Entry<ObjectKey, Entry> e : kind.objects.entrySet()) {
        List<String> v = function.apply(read(kind, e.getValue().json()));
        Map<String, List<String>> all = new HashMap<>(e.getValue().indexValues());
        all.put(index, List.copyOf(v));
        e.setValue(e.getValue().withIndexValues(all));
        for (String s : v) {
          values.computeIfAbsent(s, x -> new TreeSet<>()).add(e.getKey());
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Delivers a kind's changes to {@code handler}, every existing object first as an add.
   *
   * @return cancels the registration
   */
  public <T extends HasMetadata> AutoCloseable watch(Class<T> type, StoreHandler<T> handler) {
    Kind<T> kind = kind(type);
    lock.writeLock().lock();
    try {
      kind.handlers.add(handler);
      for (Entry e : kind.objects.values()) {
        enqueue(new Event(kind, List.of(handler), EventType.ADD, null, e.json()));
      }
    } finally {
      lock.writeLock().unlock();
    }
    scheduleDelivery();
    return () -> kind.handlers.remove(handler);
  }

  @Override
  public <T extends HasMetadata> void onChange(Class<T> type, Consumer<T> handler) {
    watch(
        type,
        new StoreHandler<T>() {
          @Override
          public void onAdd(T object) {
            handler.accept(object);
          }

          @Override
          public void onUpdate(T before, T after) {
            handler.accept(before);
            handler.accept(after);
          }

          @Override
          public void onDelete(T object) {
            handler.accept(object);
          }
        });
  }

  // ---- writes ----

  @Override
  public <T extends HasMetadata> T create(T object) {
    Kind<T> kind = kindOf(object);
    ObjectNode node = tree(object);
    ObjectKey key = key(kind, node);
    ObjectNode meta = meta(node);
    if (!meta.path("resourceVersion").asText("").isEmpty()) {
      throw StoreErrors.invalid(
          kind.name, key.name(), "metadata.resourceVersion: must be unset to create");
    }
    String written =
        transact(
            txn -> {
              if (kind.objects.containsKey(key)) {
                throw StoreErrors.alreadyExists(kind.name, key.name());
              }
              if (count >= options.maxObjects()) {
                throw StoreErrors.full(kind.name, key.name(), options.maxObjects());
              }
              node.put("apiVersion", kind.apiVersion);
              node.put("kind", kind.name);
              node.remove("status");
              meta.remove(
                  List.of("deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"));
              String uid = options.uids().get();
              while (byUid.containsKey(uid)) {
                uid = options.uids().get();
              }
              meta.put("uid", uid);
              meta.put(
                  "creationTimestamp",
                  options.clock().instant().truncatedTo(ChronoUnit.SECONDS).toString());
              meta.put("generation", 1L);
              return write(txn, kind, key, node);
            });
    return read(kind, written);
  }

  @Override
  public <T extends HasMetadata> T update(T object) {
    Kind<T> kind = kindOf(object);
    ObjectNode node = tree(object);
    ObjectKey key = key(kind, node);
    ObjectNode meta = meta(node);
    String given = meta.path("resourceVersion").asText("");
    if (given.isEmpty()) {
      throw StoreErrors.invalid(
          kind.name, key.name(), "metadata.resourceVersion: must be specified for an update");
    }
    String written =
        transact(
            txn -> {
              Entry existing = kind.objects.get(key);
              if (existing == null) {
                throw StoreErrors.notFound(kind.name, key.name());
              }
              if (!given.equals(Long.toString(existing.resourceVersion()))) {
                throw StoreErrors.conflict(kind.name, key.name());
              }
              ObjectNode before = parse(existing.json());
              ObjectNode beforeMeta = meta(before);
              node.put("apiVersion", kind.apiVersion);
              node.put("kind", kind.name);
              node.remove("status");
              if (before.has("status")) {
                node.set("status", before.get("status"));
              }
              meta.remove(
                  List.of("deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"));
              meta.set("uid", beforeMeta.get("uid"));
              if (beforeMeta.has("deletionTimestamp")) { // set once, by deleteGracefully
                meta.set("deletionTimestamp", beforeMeta.get("deletionTimestamp"));
              }
              meta.set("creationTimestamp", beforeMeta.get("creationTimestamp"));
              long generation = beforeMeta.path("generation").asLong(1);
              meta.put(
                  "generation", specOf(node).equals(specOf(before)) ? generation : generation + 1);
              meta.set("resourceVersion", beforeMeta.get("resourceVersion"));
              if (parse(canonical(kind, node)).equals(before)) {
                return existing.json(); // nothing changed: nothing written
              }
              return write(txn, kind, key, node);
            });
    return read(kind, written);
  }

  @Override
  public <T extends HasMetadata> void replaceStatus(Class<T> type, ObjectKey key, Object status) {
    JsonNode value = status == null ? null : tree(status);
    modify(
        type,
        key,
        node -> {
          if (value == null) {
            node.remove("status");
          } else {
            node.set("status", value);
          }
        });
  }

  @Override
  public <T extends HasMetadata> void mergeStatusFields(
      Class<T> type, ObjectKey key, Map<String, Object> fields) {
    JsonNode patch = tree(fields);
    modify(type, key, node -> node.set("status", JsonMerge.apply(node.get("status"), patch)));
  }

  @Override
  public <T extends HasMetadata> void replaceStatusFields(
      Class<T> type, ObjectKey key, Map<String, Object> fields) {
    Kind<T> kind = kind(type);
    Map<String, JsonNode> values = new LinkedHashMap<>();
    fields.forEach((k, v) -> values.put(k, value(v)));
    modify(
        type,
        key,
        node -> {
          if (!(node.get("status") instanceof ObjectNode status)) {
            throw StoreErrors.invalid(
                kind.name, key.name(), "status: does not exist (expected: a status to change)");
          }
          values.forEach(status::set);
        });
  }

  @Override
  public <T extends HasMetadata> void patchMetadata(
      Class<T> type, ObjectKey key, Map<String, String> labels, Map<String, String> annotations) {
    ObjectNode patch = json.createObjectNode();
    if (labels != null && !labels.isEmpty()) {
      patch.set("labels", tree(labels));
    }
    if (annotations != null && !annotations.isEmpty()) {
      patch.set("annotations", tree(annotations));
    }
    modify(
        type,
        key,
        node -> {
          JsonNode merged = JsonMerge.apply(node.get("metadata"), patch);
          for (String field : List.of("labels", "annotations")) {
            if (merged.get(field) instanceof ObjectNode m && m.isEmpty()) {
              ((ObjectNode) merged).remove(field);
            }
          }
          node.set("metadata", merged);
        });
  }

  /**
   * The first step of a graceful delete, as the API server takes it for a pod deleted with a grace
   * period: sets {@code metadata.deletionTimestamp} (the store's clock, whole seconds) and leaves
   * the object in place, to be {@link #delete deleted} by whoever finishes it. A second call keeps
   * the first time. Not found: 404.
   */
  public <T extends HasMetadata> void deleteGracefully(Class<T> type, ObjectKey key) {
    String now = options.clock().instant().truncatedTo(ChronoUnit.SECONDS).toString();
    modify(
        type,
        key,
        node -> {
          ObjectNode meta = meta(node);
          if (meta.path("deletionTimestamp").asText("").isEmpty()) {
            meta.put("deletionTimestamp", now);
          }
        });
  }

  @Override
  public <T extends HasMetadata> void delete(Class<T> type, ObjectKey key) {
    Kind<T> kind = kind(type);
    transact(
        txn -> {
          if (kind.objects.containsKey(key)) {
            cascade(txn, new Ref(kind, key));
          }
          return null;
        });
  }

  /** A write of one existing object's status or metadata: no generation, no version check. */
  private <T extends HasMetadata> void modify(
      Class<T> type, ObjectKey key, Consumer<ObjectNode> change) {
    Kind<T> kind = kind(type);
    transact(
        txn -> {
          Entry existing = kind.objects.get(key);
          if (existing == null) {
            throw StoreErrors.notFound(kind.name, key.name());
          }
          ObjectNode before = parse(existing.json());
          ObjectNode node = before.deepCopy();
          change.accept(node);
          node = parse(canonical(kind, node));
          if (node.equals(before)) {
            return null;
          }
          if (!specOf(node).equals(specOf(before))) {
            throw new IllegalStateException("a status or metadata write changed the spec");
          }
          return write(txn, kind, key, node);
        });
  }

  /**
   * Runs one write under the write lock: its changes are made durable and their events queued
   * together, or, whatever fails, all undone. Events are handed to the dispatcher after the lock.
   */
  private String transact(Function<Txn, String> body) {
    String result;
    lock.writeLock().lock();
    try {
      open();
      Txn txn = new Txn(resourceVersion);
      try {
        result = body.apply(txn);
        commit(txn);
      } catch (RuntimeException | Error e) {
        txn.rollback(this);
        throw e;
      }
    } finally {
      lock.writeLock().unlock();
    }
    scheduleDelivery();
    return result;
  }

  /** Deletes {@code ref} and what only it (or others deleted here) owned. Under the write lock. */
  private void cascade(Txn txn, Ref ref) {
    Entry entry = ref.kind().objects.get(ref.key());
    if (entry == null) {
      return;
    }
    txn.change(this, ref.kind(), ref.key(), entry, null);
    List<Ref> owned = new ArrayList<>(dependents.getOrDefault(entry.uid(), Set.of()));
    owned.sort(Comparator.comparing(Ref::key).thenComparing(r -> r.kind().name));
    for (Ref dependent : owned) {
      Entry d = dependent.kind().objects.get(dependent.key());
      if (d == null) {
        continue;
      }
      boolean ownerLeft = d.ownerUids().stream().anyMatch(byUid::containsKey);
      if (!ownerLeft) {
        cascade(txn, dependent);
        continue;
      }
      ObjectNode node = parse(d.json());
      JsonNode refs = meta(node).get("ownerReferences");
      if (refs instanceof ArrayNode array) {
        Iterator<JsonNode> it = array.elements();
        while (it.hasNext()) {
          if (!byUid.containsKey(it.next().path("uid").asText())) {
            it.remove();
          }
        }
      }
      write(txn, dependent.kind(), dependent.key(), node);
    }
  }

  /** Stamps a new resourceVersion on {@code node} and puts it. Under the write lock. */
  private String write(Txn txn, Kind<?> kind, ObjectKey key, ObjectNode node) {
    long version = resourceVersion + 1;
    meta(node).put("resourceVersion", Long.toString(version));
    Entry after = entry(kind, node);
    String text = after.json();
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > options.maxObjectBytes()) {
      throw StoreErrors.tooLarge(kind.name, key.name(), bytes, options.maxObjectBytes());
    }
    resourceVersion = version;
    txn.change(this, kind, key, kind.objects.get(key), after);
    return text;
  }

  /** Makes the transaction durable and queues its events; else undoes it and throws. */
  private void commit(Txn txn) {
    if (txn.changes.isEmpty()) {
      return;
    }
    if (file != null && txn.changes.stream().anyMatch(c -> !c.kind().memoryOnly)) {
      try {
        file.write(resourceVersion, allJson());
      } catch (IOException | UncheckedIOException | SecurityException e) {
        throw StoreErrors.unavailable(
            "object store " + file.file() + " not written, nothing changed: " + e.getMessage(), e);
      }
    }
    for (Change c : txn.changes) {
      EventType type =
          c.before() == null
              ? EventType.ADD
              : c.after() == null ? EventType.DELETE : EventType.UPDATE;
      enqueue(
          new Event(
              c.kind(),
              List.copyOf(c.kind().handlers),
              type,
              c.before() == null ? null : c.before().json(),
              c.after() == null ? null : c.after().json()));
    }
  }

  private List<String> allJson() {
    List<String> all = new ArrayList<>(count);
    for (Kind<?> k : kinds.values()) {
      if (k.memoryOnly) {
        continue;
      }
      for (Entry e : k.objects.values()) {
        all.add(e.json());
      }
    }
    return all;
  }

  /** Puts {@code after} (null: removes) in the maps and indexes. Under the write lock. */
  private void apply(Kind<?> kind, ObjectKey key, Entry before, Entry after) {
    if (before != null) {
      unput(kind, key, before);
    }
    if (after != null) {
      put(kind, key, after);
    }
  }

  private void put(Kind<?> kind, ObjectKey key, Entry e) {
    kind.objects.put(key, e);
    count++;
    Ref ref = new Ref(kind, key);
    byUid.put(e.uid(), ref);
    for (String owner : e.ownerUids()) {
      dependents.computeIfAbsent(owner, x -> new HashSet<>()).add(ref);
    }
    e.indexValues()
        .forEach(
            (index, values) -> {
              Map<String, Set<ObjectKey>> m = kind.indexes.get(index);
              for (String v : values) {
                m.computeIfAbsent(v, x -> new TreeSet<>()).add(key);
              }
            });
  }

  private void unput(Kind<?> kind, ObjectKey key, Entry e) {
    kind.objects.remove(key);
    count--;
    Ref ref = new Ref(kind, key);
    byUid.remove(e.uid());
    for (String owner : e.ownerUids()) {
      Set<Ref> refs = dependents.get(owner);
      if (refs != null && refs.remove(ref) && refs.isEmpty()) {
        dependents.remove(owner);
      }
    }
    e.indexValues()
        .forEach(
            (index, values) -> {
              Map<String, Set<ObjectKey>> m = kind.indexes.get(index);
              for (String v : values) {
                Set<ObjectKey> keys = m.get(v);
                if (keys != null && keys.remove(key) && keys.isEmpty()) {
                  m.remove(v);
                }
              }
            });
  }

  /** The entry of {@code node}, its JSON as the type reads and writes it ({@link #canonical}). */
  private <T extends HasMetadata> Entry entry(Kind<T> kind, ObjectNode node) {
    T typed = read(kind, serialize(node));
    String text = serialize(typed);
    List<String> owners = new ArrayList<>();
    List<OwnerReference> refs = typed.getMetadata().getOwnerReferences();
    if (refs != null) {
      for (OwnerReference r : refs) {
        if (r.getUid() != null) {
          owners.add(r.getUid());
        }
      }
    }
    Map<String, List<String>> indexValues = new HashMap<>();
    kind.indexers.forEach((name, f) -> indexValues.put(name, List.copyOf(f.apply(typed))));
    Map<String, String> labels = typed.getMetadata().getLabels();
    return new Entry(
        text,
        key(kind, node),
        typed.getMetadata().getUid(),
        Long.parseLong(typed.getMetadata().getResourceVersion()),
        labels == null ? Map.of() : Map.copyOf(labels),
        List.copyOf(owners),
        Map.copyOf(indexValues));
  }

  // ---- events ----

  private void enqueue(Event e) {
    synchronized (eventLock) {
      pending.addLast(e);
    }
  }

  private void scheduleDelivery() {
    synchronized (eventLock) {
      if (draining || pending.isEmpty()) {
        return;
      }
      draining = true;
    }
    try {
      dispatcher.execute(this::deliverPending);
    } catch (RejectedExecutionException e) {
      synchronized (eventLock) {
        draining = false;
        pending.clear();
      }
    }
  }

  private void deliverPending() {
    while (true) {
      Event e;
      synchronized (eventLock) {
        e = pending.pollFirst();
        if (e == null) {
          draining = false;
          return;
        }
      }
      deliver(e);
    }
  }

  private <T extends HasMetadata> void deliver(Event event) {
    @SuppressWarnings("unchecked")
    Kind<T> kind = (Kind<T>) event.kind();
    @SuppressWarnings("unchecked")
    List<StoreHandler<T>> handlers = (List<StoreHandler<T>>) event.targets();
    for (StoreHandler<T> h : handlers) {
      if (!kind.handlers.contains(h)) {
        continue; // cancelled since
      }
      try {
        switch (event.type()) {
          case ADD -> h.onAdd(read(kind, event.after()));
          case UPDATE -> h.onUpdate(read(kind, event.before()), read(kind, event.after()));
          case DELETE -> h.onDelete(read(kind, event.before()));
        }
      } catch (RuntimeException ex) {
        LOG.warn("object store: a {} handler failed on {}: {}", kind.name, event.type(), ex, ex);
      }
    }
  }

  /** Stops delivering events; later writes are refused. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      closed = true;
    } finally {
      lock.writeLock().unlock();
    }
    if (ownDispatcher != null) {
      ownDispatcher.shutdown();
    }
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("object store closed");
    }
  }

  // ---- JSON ----

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> Kind<T> kind(Class<T> type) {
    Kind<?> k = kinds.get(type);
    if (k == null) {
      throw new IllegalArgumentException("the object store does not keep " + type.getName());
    }
    return (Kind<T>) k;
  }

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> Kind<T> kindOf(T object) {
    Objects.requireNonNull(object, "object");
    for (Class<?> c = object.getClass(); c != null; c = c.getSuperclass()) {
      Kind<?> k = kinds.get(c);
      if (k != null) {
        return (Kind<T>) k;
      }
    }
    throw new IllegalArgumentException(
        "the object store does not keep " + object.getClass().getName());
  }

  private ObjectKey key(Kind<?> kind, ObjectNode node) {
    JsonNode meta = node.path("metadata");
    String name = meta.path("name").asText("");
    String namespace = meta.path("namespace").asText("");
    if (name.isEmpty() || name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
      throw StoreErrors.invalid(
          kind.name,
          name,
          "metadata.name: \""
              + name
              + "\" (expected: lower case letters, digits, '-' and '.', at most 253)");
    }
    if (namespace.isEmpty() || namespace.length() > 63 || !LABEL.matcher(namespace).matches()) {
      throw StoreErrors.invalid(
          kind.name,
          name,
          "metadata.namespace: \""
              + namespace
              + "\" (expected: lower case letters, digits and '-', at most 63)");
    }
    return new ObjectKey(namespace, name);
  }

  private static ObjectNode meta(ObjectNode node) {
    return node.get("metadata") instanceof ObjectNode m ? m : node.putObject("metadata");
  }

  /** What generation counts: all but metadata and status. */
  private static ObjectNode specOf(ObjectNode node) {
    ObjectNode spec = node.deepCopy();
    spec.remove(List.of("metadata", "status", "apiVersion", "kind"));
    return spec;
  }

  /** A deep copy of an object as a JSON tree, numbers as parsing makes them. */
  private ObjectNode tree(Object value) {
    if (!(value(value) instanceof ObjectNode o)) {
      throw new IllegalArgumentException("not a JSON object: " + value);
    }
    return o;
  }

  /** A deep copy of any value (null too) as a JSON tree, numbers as parsing makes them. */
  private JsonNode value(Object value) {
    try {
      return json.readTree(serialize(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("object store: unreadable JSON: " + e.getMessage(), e);
    }
  }

  private ObjectNode parse(String text) {
    try {
      return (ObjectNode) json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("object store: unreadable JSON: " + e.getMessage(), e);
    }
  }

  /** The JSON the store holds for {@code node}: as its type reads and writes it back. */
  private String canonical(Kind<?> kind, ObjectNode node) {
    return serialize(read(kind, serialize(node)));
  }

  private String serialize(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + value + ": " + e.getMessage(), e);
    }
  }

  private <T extends HasMetadata> T read(Kind<T> kind, String text) {
    try {
      return json.readValue(text, kind.type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "object store: a " + kind.name + " does not read back: " + e.getMessage(), e);
    }
  }

  // ---- state ----

  private static final class Kind<T extends HasMetadata> {
    final Class<T> type;
    final String apiVersion;
    final String name;
    final TreeMap<ObjectKey, Entry> objects = new TreeMap<>();
    final Map<String, Function<T, List<String>>> indexers = new LinkedHashMap<>();
    final Map<String, Map<String, Set<ObjectKey>>> indexes = new HashMap<>();
    final List<StoreHandler<T>> handlers = new CopyOnWriteArrayList<>();

    /** Held in memory only ({@link StoreOptions#transientKinds}). */
    final boolean memoryOnly;

    Kind(Class<T> type, String apiVersion, String name, boolean memoryOnly) {
      this.type = type;
      this.apiVersion = apiVersion;
      this.name = name;
      this.memoryOnly = memoryOnly;
    }
  }

  /** One stored object: its JSON (never handed out, only copies of it) and what indexes it. */
  private record Entry(
      String json,
      ObjectKey key,
      String uid,
      long resourceVersion,
      Map<String, String> labels,
      List<String> ownerUids,
      Map<String, List<String>> indexValues) {
    Entry withIndexValues(Map<String, List<String>> values) {
      return new Entry(json, key, uid, resourceVersion, labels, ownerUids, Map.copyOf(values));
    }
  }

  private record Ref(Kind<?> kind, ObjectKey key) {}

  private enum EventType {
    ADD,
    UPDATE,
    DELETE
  }

  /** A change and the handlers registered when it was made (so a late one gets no earlier). */
  private record Event(
      Kind<?> kind,
      List<? extends StoreHandler<?>> targets,
      EventType type,
      String before,
      String after) {}

  private record Change(Kind<?> kind, ObjectKey key, Entry before, Entry after) {}

  /** The changes of one write, applied as they are made and undone when it cannot be kept. */
  private static final class Txn {
    final List<Change> changes = new ArrayList<>();
    final long startVersion;

    Txn(long startVersion) {
      this.startVersion = startVersion;
    }

    void change(ObjectStore store, Kind<?> kind, ObjectKey key, Entry before, Entry after) {
      store.apply(kind, key, before, after);
      changes.add(new Change(kind, key, before, after));
    }

    void rollback(ObjectStore store) {
      for (int i = changes.size() - 1; i >= 0; i--) {
        Change c = changes.get(i);
        store.apply(c.kind(), c.key(), c.after(), c.before());
      }
      store.resourceVersion = startVersion;
      changes.clear();
    }
  }
}
