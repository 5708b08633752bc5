package dev.pilotlight.api.config;

import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Knative's {@code config-features}: the flags that let a revision template carry pod spec fields
 * Knative refuses by default ({@code kubernetes.podspec-*}), several containers, probes on
 * sidecars. Values are {@code enabled}, {@code allowed} or {@code disabled}, case-insensitive.
 */
public record Features(Map<String, Flag> flags) {
  public static final String MULTI_CONTAINER = "multi-container";
  public static final String MULTI_CONTAINER_PROBING = "multi-container-probing";
  public static final String SECURE_POD_DEFAULTS = "secure-pod-defaults";
  public static final String ADD_CAPABILITIES = "kubernetes.containerspec-addcapabilities";
  public static final String AFFINITY = "kubernetes.podspec-affinity";
  public static final String DNS_CONFIG = "kubernetes.podspec-dnsconfig";
  public static final String DNS_POLICY = "kubernetes.podspec-dnspolicy";
  public static final String EMPTY_DIR = "kubernetes.podspec-volumes-emptydir";
  public static final String FIELD_REF = "kubernetes.podspec-fieldref";
  public static final String HOST_ALIASES = "kubernetes.podspec-hostaliases";
  public static final String HOST_IPC = "kubernetes.podspec-hostipc";
  public static final String HOST_NETWORK = "kubernetes.podspec-hostnetwork";
  public static final String HOST_PID = "kubernetes.podspec-hostpid";
  public static final String HOST_PATH = "kubernetes.podspec-volumes-hostpath";
  public static final String CSI = "kubernetes.podspec-volumes-csi";
  public static final String EPHEMERAL = "kubernetes.podspec-volumes-ephemeral";
  public static final String IMAGE_VOLUMES = "kubernetes.podspec-volumes-image";
  public static final String INIT_CONTAINERS = "kubernetes.podspec-init-containers";
  public static final String MOUNT_PROPAGATION = "kubernetes.podspec-volumes-mount-propagation";
  public static final String NODE_SELECTOR = "kubernetes.podspec-nodeselector";
  public static final String PVC = "kubernetes.podspec-persistent-volume-claim";
  public static final String PVC_WRITE = "kubernetes.podspec-persistent-volume-write";
  public static final String PRIORITY_CLASS_NAME = "kubernetes.podspec-priorityclassname";
  public static final String RUNTIME_CLASS_NAME = "kubernetes.podspec-runtimeclassname";
  public static final String SCHEDULER_NAME = "kubernetes.podspec-schedulername";
  public static final String SECURITY_CONTEXT = "kubernetes.podspec-securitycontext";
  public static final String SHARE_PROCESS_NAMESPACE = "kubernetes.podspec-shareprocessnamespace";
  public static final String TOLERATIONS = "kubernetes.podspec-tolerations";
  public static final String TOPOLOGY_SPREAD = "kubernetes.podspec-topologyspreadconstraints";
  public static final String TAG_HEADER_ROUTING = "tag-header-based-routing";
  public static final String AUTODETECT_HTTP2 = "autodetect-http2";
  public static final String QP_MOUNT_PODINFO = "queueproxy.mount-podinfo";
  public static final String QP_RESOURCE_DEFAULTS = "queueproxy.resource-defaults";

  /** Knative's defaults: multi-container and emptyDir volumes on, everything else off. */
  private static final Map<String, Flag> DEFAULT_FLAGS = defaults();

  public static final Features DEFAULTS = new Features(DEFAULT_FLAGS);

  /** Keys Knative reads that change nothing here (no queue-proxy, no tag header routing yet). */
  private static final Set<String> NO_EFFECT =
      Set.of(TAG_HEADER_ROUTING, AUTODETECT_HTTP2, QP_MOUNT_PODINFO, QP_RESOURCE_DEFAULTS);

  public Features {
    Map<String, Flag> all = new LinkedHashMap<>(DEFAULT_FLAGS == null ? Map.of() : DEFAULT_FLAGS);
    all.putAll(flags);
    flags = Map.copyOf(all);
  }

  private static Map<String, Flag> defaults() {
    Map<String, Flag> m = new LinkedHashMap<>();
    for (String k :
        List.of(
            MULTI_CONTAINER_PROBING,
            SECURE_POD_DEFAULTS,
            ADD_CAPABILITIES,
            AFFINITY,
            DNS_CONFIG,
            DNS_POLICY,
            FIELD_REF,
            HOST_ALIASES,
            HOST_IPC,
            HOST_NETWORK,
            HOST_PID,
            HOST_PATH,
            CSI,
            EPHEMERAL,
            IMAGE_VOLUMES,
            INIT_CONTAINERS,
            MOUNT_PROPAGATION,
            NODE_SELECTOR,
            PVC,
            PVC_WRITE,
            PRIORITY_CLASS_NAME,
            RUNTIME_CLASS_NAME,
            SCHEDULER_NAME,
            SECURITY_CONTEXT,
            SHARE_PROCESS_NAMESPACE,
            TOLERATIONS,
            TOPOLOGY_SPREAD,
            TAG_HEADER_ROUTING,
            AUTODETECT_HTTP2,
            QP_MOUNT_PODINFO,
            QP_RESOURCE_DEFAULTS)) {
      m.put(k, Flag.DISABLED);
    }
    m.put(MULTI_CONTAINER, Flag.ENABLED);
    m.put(EMPTY_DIR, Flag.ENABLED);
    return m;
  }

  /** These defaults with {@code key} set to {@code flag}. */
  public Features with(String key, Flag flag) {
    Map<String, Flag> m = new LinkedHashMap<>(flags);
    m.put(key, flag);
    return new Features(m);
  }

  public Flag flag(String key) {
    return flags.getOrDefault(key, Flag.DISABLED);
  }

  /** Knative's {@code == Enabled}. */
  public boolean enabled(String key) {
    return flag(key) == Flag.ENABLED;
  }

  /** Knative's {@code != Disabled}: what its field masks let through. */
  public boolean notDisabled(String key) {
    return flag(key) != Flag.DISABLED;
  }

  /** Every key Knative's config-features knows. */
  public static Set<String> keys() {
    return DEFAULT_FLAGS.keySet();
  }

  /** Keys accepted for compatibility that have no effect in Pilotlight. */
  public static Set<String> keysWithoutEffect() {
    return NO_EFFECT;
  }

  /**
   * The flags of a config-features ConfigMap's {@code data}. Unknown keys and values other than
   * enabled, allowed, disabled are refused (Knative ignores them: a typo would silently keep the
   * default); {@code _example} is ignored; {@code secure-pod-defaults} also takes {@code
   * allowrootbounded}, which is treated as enabled.
   */
  public static Features fromData(Map<String, String> data) {
    List<Violation> v = new ArrayList<>();
    Map<String, Flag> m = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : data.entrySet()) {
      String key = e.getKey();
      if (key.equals("_example")) {
        continue;
      }
      if (!DEFAULT_FLAGS.containsKey(key)) {
        v.add(
            new Violation(
                "data." + key, "unknown key (expected: a key of Knative's config-features)"));
        continue;
      }
      String text = e.getValue();
      Flag f =
          key.equals(SECURE_POD_DEFAULTS) && "allowrootbounded".equalsIgnoreCase(text.trim())
              ? Flag.ENABLED
              : Flag.parse(text);
      if (f == null) {
        v.add(
            new Violation(
                "data." + key,
                "\""
                    + text
                    + "\" (expected: enabled, allowed or disabled"
                    + (key.equals(SECURE_POD_DEFAULTS) ? " or allowrootbounded" : "")
                    + ")"));
        continue;
      }
      m.put(key, f);
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return new Features(m);
  }
}
