package dev.pilotlight.api.validation;

import dev.pilotlight.api.config.Features;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Knative's pod spec and container rules ({@code pkg/apis/serving/k8s_validation.go}), written over
 * fabric8's types: volumes and their mounts, exactly one serving container with the one port,
 * sidecars, init containers, reserved names, ports, environment variables and paths, probes,
 * security contexts. The field masks are {@link FieldMask}'s.
 */
final class PodSpecRules {
  static final Set<Integer> RESERVED_PORTS = Set.of(8012, 8013, 8022, 9090, 9091, 8008);
  static final String RESERVED_PORTS_TEXT = "8008, 8012, 8013, 8022, 9090, 9091";
  private static final Set<String> RESERVED_ENV =
      Set.of("PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION");
  private static final Set<String> RESERVED_PATHS = Set.of("/", "/dev", "/dev/log");
  private static final long MAX_ID = Integer.MAX_VALUE;

  private enum Kind {
    SERVING,
    SIDECAR,
    INIT
  }

  private final Features features;
  private final boolean needImage;
  private final List<Violation> v;

  PodSpecRules(Features features, boolean needImage, List<Violation> v) {
    this.features = features;
    this.needImage = needImage;
    this.v = v;
  }

  void podSpec(PodSpec ps, String p) {
    podSecurityContext(ps.getSecurityContext(), p + ".securityContext");
    List<Container> containers = list(ps.getContainers());
    List<Container> inits = list(ps.getInitContainers());
    Set<String> mounted = new HashSet<>();
    for (Container c : concat(inits, containers)) {
      for (VolumeMount m : list(c.getVolumeMounts())) {
        mounted.add(m.getName());
      }
    }
    Map<String, Volume> volumes = volumes(list(ps.getVolumes()), mounted, p + ".volumes");
    if (!inits.isEmpty()) {
      if (!features.enabled(Features.INIT_CONTAINERS)) {
        if (features.notDisabled(Features.INIT_CONTAINERS)) {
          v.add(
              new Violation(
                  p + ".initContainers",
                  inits.size()
                      + " init containers (expected: config-features "
                      + Features.INIT_CONTAINERS
                      + " enabled)"));
        }
      } else {
        Set<String> names = new HashSet<>();
        for (Container c : containers) {
          names.add(c.getName());
        }
        for (int i = 0; i < inits.size(); i++) {
          Container c = inits.get(i);
          String at = p + ".initContainers[" + i + "]";
          if (c.getName() != null && names.contains(c.getName())) {
            v.add(
                new Violation(
                    at + ".name", quote(c.getName()) + " (expected: unique container names)"));
          }
          for (String f : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            if (probeOf(c, f) != null) {
              v.add(new Violation(at + "." + f, "set (expected: not set in an init container)"));
            }
          }
          container(c, at, volumes, null, Kind.INIT);
        }
      }
    }
    int portCount = 0;
    ContainerPort port = null;
    for (Container c : containers) {
      List<ContainerPort> ports = list(c.getPorts());
      if (!ports.isEmpty()) {
        portCount += ports.size();
        port = ports.get(0);
      }
    }
    String portName = port == null || isEmpty(port.getName()) ? "http" : port.getName();
    if (portCount == 0 && containers.size() > 1) {
      v.add(
          new Violation(
              p + ".containers[*].ports",
              "no container has a port (expected: exactly one container, the serving one, with"
                  + " one port)"));
    } else if (portCount > 1) {
      v.add(
          new Violation(
              p + ".containers[*].ports",
              portCount + " ports (expected: a single port across all containers)"));
    }
    if (containers.isEmpty()) {
      v.add(new Violation(p + ".containers", "required (expected: at least one container)"));
    } else if (containers.size() == 1) {
      container(containers.get(0), p + ".containers[0]", volumes, portName, Kind.SERVING);
    } else if (!features.enabled(Features.MULTI_CONTAINER)) {
      v.add(
          new Violation(
              p + ".containers",
              containers.size()
                  + " containers (expected: 1 unless config-features "
                  + Features.MULTI_CONTAINER
                  + " is enabled)"));
    } else {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < containers.size(); i++) {
        Container c = containers.get(i);
        String at = p + ".containers[" + i + "]";
        if (!names.add(c.getName())) {
          v.add(
              new Violation(
                  at + ".name", quote(c.getName()) + " (expected: unique container names)"));
        }
        boolean serving = !list(c.getPorts()).isEmpty();
        container(c, at, volumes, portName, serving ? Kind.SERVING : Kind.SIDECAR);
      }
    }
    String sa = ps.getServiceAccountName();
    if (!isEmpty(sa) && !isDnsSubdomain(sa)) {
      v.add(
          new Violation(
              p + ".serviceAccountName",
              quote(sa)
                  + " (expected: a DNS-1123 subdomain: lower case letters, digits, '-', '.')"));
    }
  }

  private Map<String, Volume> volumes(List<Volume> vs, Set<String> mounted, String p) {
    Map<String, Volume> byName = new HashMap<>();
    for (int i = 0; i < vs.size(); i++) {
      Volume vol = vs.get(i);
      String at = p + "[" + i + "]";
      String name = vol.getName();
      if (byName.containsKey(name)) {
        v.add(new Violation(at + ".name", quote(name) + " (expected: unique volume names)"));
      }
      if (!mounted.contains(name)) {
        v.add(
            new Violation(
                at + ".name",
                quote(name) + " is not mounted (expected: every volume mounted by a container)"));
      }
      volume(vol, at);
      byName.put(name, vol);
    }
    return byName;
  }

  private void volume(Volume vol, String at) {
    if (vol.getPersistentVolumeClaim() != null) {
      if (!features.enabled(Features.PVC) && features.notDisabled(Features.PVC)) {
        v.add(
            new Violation(
                at + ".persistentVolumeClaim",
                "set (expected: config-features " + Features.PVC + " enabled)"));
      }
      if (!Boolean.TRUE.equals(vol.getPersistentVolumeClaim().getReadOnly())
          && !features.enabled(Features.PVC_WRITE)) {
        v.add(
            new Violation(
                at + ".persistentVolumeClaim.readOnly",
                "false (expected: true unless config-features "
                    + Features.PVC_WRITE
                    + " is enabled)"));
      }
    }
    flagged(vol.getImage() != null, Features.IMAGE_VOLUMES, at + ".image");
    flagged(vol.getEmptyDir() != null, Features.EMPTY_DIR, at + ".emptyDir");
    flagged(vol.getHostPath() != null, Features.HOST_PATH, at + ".hostPath");
    flagged(vol.getCsi() != null, Features.CSI, at + ".csi");
    flagged(vol.getEphemeral() != null, Features.EPHEMERAL, at + ".ephemeral");
    if (isEmpty(vol.getName())) {
      v.add(new Violation(at + ".name", "required"));
    } else if (!isDnsLabel(vol.getName())) {
      v.add(new Violation(at + ".name", quote(vol.getName()) + " (expected: a DNS-1123 label)"));
    }
    List<String> sources = new ArrayList<>();
    if (vol.getSecret() != null) {
      sources.add("secret");
      if (isEmpty(vol.getSecret().getSecretName())) {
        v.add(new Violation(at + ".secret.secretName", "required"));
      }
      keyToPaths(vol.getSecret().getItems(), at + ".secret.items");
      fileMode(vol.getSecret().getDefaultMode(), at + ".secret.defaultMode");
    }
    if (vol.getConfigMap() != null) {
      sources.add("configMap");
      if (isEmpty(vol.getConfigMap().getName())) {
        v.add(new Violation(at + ".configMap.name", "required"));
      }
      keyToPaths(vol.getConfigMap().getItems(), at + ".configMap.items");
      fileMode(vol.getConfigMap().getDefaultMode(), at + ".configMap.defaultMode");
    }
    if (vol.getProjected() != null) {
      sources.add("projected");
      fileMode(vol.getProjected().getDefaultMode(), at + ".projected.defaultMode");
      List<VolumeProjection> ps = list(vol.getProjected().getSources());
      for (int i = 0; i < ps.size(); i++) {
        projection(ps.get(i), at + ".projected.sources[" + i + "]");
      }
    }
    if (vol.getEmptyDir() != null) {
      sources.add("emptyDir");
      String medium = vol.getEmptyDir().getMedium();
      if (!isEmpty(medium) && !medium.equals("Memory")) {
        v.add(
            new Violation(
                at + ".emptyDir.medium", quote(medium) + " (expected: \"\" or \"Memory\")"));
      }
      Quantity size = vol.getEmptyDir().getSizeLimit();
      if (size != null && negative(size)) {
        v.add(new Violation(at + ".emptyDir.sizeLimit", size + " (expected: >= 0)"));
      }
    }
    if (vol.getPersistentVolumeClaim() != null) {
      sources.add("persistentVolumeClaim");
    }
    if (vol.getHostPath() != null) {
      sources.add("hostPath");
    }
    if (vol.getCsi() != null) {
      sources.add("csi");
    }
    if (vol.getEphemeral() != null) {
      sources.add("ephemeral");
    }
    if (vol.getImage() != null) {
      sources.add("image");
      if (isEmpty(vol.getImage().getReference())) {
        v.add(new Violation(at + ".image.reference", "required"));
      }
    }
    if (sources.isEmpty()) {
      v.add(
          new Violation(
              at, "no volume source (expected: exactly one of secret, configMap, projected, ...)"));
    } else if (sources.size() > 1) {
      v.add(
          new Violation(
              at, "several volume sources " + sources + " (expected: exactly one of them)"));
    }
  }

  private void flagged(boolean set, String flag, String at) {
    // the mask refuses it while the flag is disabled; "allowed" is not enough for volumes
    if (set && !features.enabled(flag) && features.notDisabled(flag)) {
      v.add(new Violation(at, "set (expected: config-features " + flag + " enabled)"));
    }
  }

  private void projection(VolumeProjection vp, String at) {
    List<String> kinds = new ArrayList<>();
    if (vp.getSecret() != null) {
      kinds.add("secret");
      SecretProjection s = vp.getSecret();
      if (isEmpty(s.getName())) {
        v.add(new Violation(at + ".secret.name", "required"));
      }
      keyToPaths(s.getItems(), at + ".secret.items");
    }
    if (vp.getConfigMap() != null) {
      kinds.add("configMap");
      ConfigMapProjection c = vp.getConfigMap();
      if (isEmpty(c.getName())) {
        v.add(new Violation(at + ".configMap.name", "required"));
      }
      keyToPaths(c.getItems(), at + ".configMap.items");
    }
    if (vp.getServiceAccountToken() != null) {
      kinds.add("serviceAccountToken");
      if (isEmpty(vp.getServiceAccountToken().getPath())) {
        v.add(new Violation(at + ".serviceAccountToken.path", "required"));
      }
    }
    if (vp.getDownwardAPI() != null) {
      kinds.add("downwardAPI");
      List<DownwardAPIVolumeFile> items = list(vp.getDownwardAPI().getItems());
      for (int i = 0; i < items.size(); i++) {
        DownwardAPIVolumeFile f = items.get(i);
        String fat = at + ".downwardAPI.items[" + i + "]";
        if (f.getFieldRef() == null && f.getResourceFieldRef() == null) {
          v.add(new Violation(fat, "no source (expected: one of fieldRef, resourceFieldRef)"));
        }
        if (f.getFieldRef() != null && f.getResourceFieldRef() != null) {
          v.add(new Violation(fat, "both sources (expected: one of fieldRef, resourceFieldRef)"));
        }
        if (isEmpty(f.getPath())) {
          v.add(new Violation(fat + ".path", "required"));
        }
      }
    }
    if (kinds.isEmpty()) {
      v.add(
          new Violation(
              at,
              "no source (expected: exactly one of secret, configMap, serviceAccountToken,"
                  + " downwardAPI)"));
    } else if (kinds.size() > 1) {
      v.add(new Violation(at, "several sources " + kinds + " (expected: exactly one of them)"));
    }
  }

  private void keyToPaths(List<KeyToPath> items, String at) {
    List<KeyToPath> l = list(items);
    for (int i = 0; i < l.size(); i++) {
      if (isEmpty(l.get(i).getKey())) {
        v.add(new Violation(at + "[" + i + "].key", "required"));
      }
      if (isEmpty(l.get(i).getPath())) {
        v.add(new Violation(at + "[" + i + "].path", "required"));
      } else {
        relativePath(l.get(i).getPath(), at + "[" + i + "].path");
      }
      fileMode(l.get(i).getMode(), at + "[" + i + "].mode");
    }
  }

  /** Kubernetes' rule for a path inside a volume: relative, no '..' element. */
  private void relativePath(String path, String at) {
    if (path.startsWith("/")) {
      v.add(new Violation(at, quote(path) + " (expected: a relative path)"));
    } else if (List.of(path.split("/")).contains("..")) {
      v.add(new Violation(at, quote(path) + " (expected: no '..' element)"));
    }
  }

  /** Kubernetes' rule for a file mode: 0..0777 (octal; 0..511). */
  private void fileMode(Integer mode, String at) {
    if (mode != null && (mode < 0 || mode > 0777)) {
      v.add(new Violation(at, mode + " (expected: 0..0777 octal, 0..511 decimal)"));
    }
  }

  private void container(
      Container c, String at, Map<String, Volume> volumes, String portName, Kind kind) {
    if (kind == Kind.SERVING) {
      probe(c.getLivenessProbe(), at + ".livenessProbe", portName, true, false);
      probe(c.getReadinessProbe(), at + ".readinessProbe", portName, true, true);
      probe(c.getStartupProbe(), at + ".startupProbe", portName, true, false);
    } else if (kind == Kind.SIDECAR) {
      boolean probing = features.enabled(Features.MULTI_CONTAINER_PROBING);
      for (String f : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        Probe pr = probeOf(c, f);
        if (pr == null) {
          continue;
        }
        if (!probing) {
          v.add(
              new Violation(
                  at + "." + f,
                  "set on a sidecar (expected: not set unless config-features "
                      + Features.MULTI_CONTAINER_PROBING
                      + " is enabled)"));
        } else {
          probe(pr, at + "." + f, null, false, f.equals("readinessProbe"));
        }
      }
    }
    if ("queue-proxy".equals(c.getName())) {
      v.add(
          new Violation(at + ".name", "\"queue-proxy\" (expected: not a reserved container name)"));
    }
    if (c.getName() != null && !c.getName().isEmpty() && !isDnsLabel(c.getName())) {
      v.add(new Violation(at + ".name", quote(c.getName()) + " (expected: a DNS-1123 label)"));
    }
    List<EnvVar> env = list(c.getEnv());
    for (int i = 0; i < env.size(); i++) {
      EnvVar e = env.get(i);
      String eat = at + ".env[" + i + "]";
      if (isEmpty(e.getName())) {
        v.add(new Violation(eat + ".name", "required"));
      } else if (RESERVED_ENV.contains(e.getName())
          && (kind == Kind.SERVING || !e.getName().equals("PORT"))) {
        v.add(
            new Violation(
                eat + ".name",
                quote(e.getName())
                    + " (expected: not a reserved environment variable: "
                    + (kind == Kind.SERVING ? "PORT, " : "")
                    + "K_SERVICE, K_CONFIGURATION, K_REVISION)"));
      } else if (!isEnvName(e.getName())) {
        v.add(
            new Violation(
                eat + ".name",
                quote(e.getName())
                    + " (expected: letters, digits, '_', '-', '.', not starting with a digit)"));
      }
    }
    List<EnvFromSource> envFrom = list(c.getEnvFrom());
    for (int i = 0; i < envFrom.size(); i++) {
      EnvFromSource e = envFrom.get(i);
      int n = (e.getConfigMapRef() != null ? 1 : 0) + (e.getSecretRef() != null ? 1 : 0);
      if (n != 1) {
        v.add(
            new Violation(
                at + ".envFrom[" + i + "]",
                (n == 0 ? "no source" : "both sources")
                    + " (expected: exactly one of configMapRef, secretRef)"));
      }
    }
    if (needImage) {
      if (isEmpty(c.getImage())) {
        v.add(new Violation(at + ".image", "required"));
      } else if (!ImageReference.isValid(c.getImage())) {
        v.add(
            new Violation(
                at + ".image",
                quote(c.getImage())
                    + " (expected: an image reference, e.g. registry.example/app:1.0)"));
      }
    }
    List<ContainerPort> ports = list(c.getPorts());
    if (kind == Kind.INIT) {
      for (int i = 0; i < ports.size(); i++) {
        portBasic(ports.get(i), at + ".ports[" + i + "]");
      }
    } else if (!ports.isEmpty()) {
      ContainerPort port = ports.get(0);
      portBasic(port, at + ".ports[0]");
      if (!isEmpty(port.getProtocol()) && !port.getProtocol().equals("TCP")) {
        v.add(
            new Violation(
                at + ".ports[0].protocol", quote(port.getProtocol()) + " (expected: TCP)"));
      }
      if (!isEmpty(port.getName()) && !Set.of("h2c", "http1").contains(port.getName())) {
        v.add(
            new Violation(
                at + ".ports[0].name",
                quote(port.getName()) + " (expected: empty, or one of h2c, http1)"));
      }
    }
    securityContext(c.getSecurityContext(), at + ".securityContext");
    String tmp = c.getTerminationMessagePolicy();
    if (!isEmpty(tmp) && !tmp.equals("File") && !tmp.equals("FallbackToLogsOnError")) {
      v.add(
          new Violation(
              at + ".terminationMessagePolicy",
              quote(tmp) + " (expected: File or FallbackToLogsOnError)"));
    }
    mounts(list(c.getVolumeMounts()), at + ".volumeMounts", volumes);
  }

  private void portBasic(ContainerPort port, String at) {
    Integer n = port.getContainerPort();
    if (n == null) {
      return;
    }
    if (RESERVED_PORTS.contains(n)) {
      v.add(
          new Violation(
              at + ".containerPort",
              n + " (expected: not a reserved port: " + RESERVED_PORTS_TEXT + ")"));
    }
    if (n < 0 || n > 65535) {
      v.add(new Violation(at + ".containerPort", n + " (expected: 0..65535)"));
    }
  }

  private void mounts(List<VolumeMount> mounts, String p, Map<String, Volume> volumes) {
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < mounts.size(); i++) {
      VolumeMount m = mounts.get(i);
      String at = p + "[" + i + "]";
      Volume vol = volumes.get(m.getName());
      if (vol == null) {
        v.add(
            new Violation(
                at + ".name", quote(m.getName()) + " (expected: the name of a volume of the pod)"));
      }
      String path = m.getMountPath();
      String clean = path == null ? null : cleanPath(path);
      if (isEmpty(path)) {
        v.add(new Violation(at + ".mountPath", "required"));
      } else if (RESERVED_PATHS.contains(clean)) {
        v.add(
            new Violation(
                at + ".mountPath",
                quote(path) + " (expected: not a reserved path: /, /dev, /dev/log)"));
      } else if (!path.startsWith("/")) {
        v.add(new Violation(at + ".mountPath", quote(path) + " (expected: an absolute path)"));
      } else if (paths.contains(clean)) {
        v.add(new Violation(at + ".mountPath", quote(path) + " (expected: unique mount paths)"));
      }
      if (clean != null) {
        paths.add(clean);
      }
      if (!isEmpty(m.getSubPath())) {
        relativePath(m.getSubPath(), at + ".subPath");
      }
      boolean writable =
          vol != null
              && (vol.getEmptyDir() != null
                  || vol.getPersistentVolumeClaim() != null
                  || vol.getEphemeral() != null);
      if (vol != null && !writable && Boolean.FALSE.equals(m.getReadOnly())) {
        v.add(
            new Violation(
                at + ".readOnly",
                "false (expected: true or unset for a "
                    + sourceOf(vol)
                    + " volume, which is mounted read-only)"));
      }
      if (m.getMountPropagation() != null
          && !m.getMountPropagation().equals("None")
          && !m.getMountPropagation().equals("HostToContainer")) {
        v.add(
            new Violation(
                at + ".mountPropagation",
                quote(m.getMountPropagation()) + " (expected: None or HostToContainer)"));
      }
      if (vol != null
          && vol.getPersistentVolumeClaim() != null
          && Boolean.TRUE.equals(vol.getPersistentVolumeClaim().getReadOnly())
          && !Boolean.TRUE.equals(m.getReadOnly())) {
        v.add(
            new Violation(
                at + ".readOnly",
                m.getReadOnly() + " (expected: true: the claim is mounted read-only)"));
      }
    }
  }

  private static String sourceOf(Volume vol) {
    if (vol.getSecret() != null) {
      return "secret";
    }
    if (vol.getConfigMap() != null) {
      return "configMap";
    }
    if (vol.getProjected() != null) {
      return "projected";
    }
    return "read-only";
  }

  /**
   * @param portName the serving port's name, or null for a sidecar's probe
   */
  private void probe(Probe pr, String at, String portName, boolean serving, boolean readiness) {
    if (pr == null) {
      return;
    }
    List<String> handlers = new ArrayList<>();
    if (pr.getHttpGet() != null) {
      handlers.add("httpGet");
      probePort(pr.getHttpGet().getPort(), at + ".httpGet.port", portName, serving);
      String path = pr.getHttpGet().getPath();
      if (path != null && !path.isEmpty() && !path.startsWith("/")) {
        v.add(new Violation(at + ".httpGet.path", quote(path) + " (expected: starts with '/')"));
      }
    }
    if (pr.getTcpSocket() != null) {
      handlers.add("tcpSocket");
      probePort(pr.getTcpSocket().getPort(), at + ".tcpSocket.port", portName, serving);
    }
    if (pr.getExec() != null) {
      handlers.add("exec");
    }
    if (pr.getGrpc() != null) {
      handlers.add("grpc");
    }
    if (handlers.isEmpty() && !(readiness && serving)) {
      // a serving container's readiness probe without a handler is Knative's TCP default
      v.add(new Violation(at, "no handler (expected: one of httpGet, tcpSocket, exec, grpc)"));
    } else if (handlers.size() > 1) {
      v.add(new Violation(at, "handlers " + handlers + " (expected: exactly one of them)"));
    }
    if (!readiness) {
      return;
    }
    int period = nz(pr.getPeriodSeconds());
    nonNegative(pr.getPeriodSeconds(), at + ".periodSeconds");
    nonNegative(pr.getInitialDelaySeconds(), at + ".initialDelaySeconds");
    if (pr.getSuccessThreshold() != null && pr.getSuccessThreshold() < 1) {
      v.add(
          new Violation(at + ".successThreshold", pr.getSuccessThreshold() + " (expected: >= 1)"));
    }
    if (period == 0) {
      if (nz(pr.getFailureThreshold()) != 0) {
        v.add(
            new Violation(
                at + ".failureThreshold",
                pr.getFailureThreshold()
                    + " (expected: not set when periodSeconds is 0: Knative probes aggressively)"));
      }
      if (nz(pr.getTimeoutSeconds()) != 0) {
        v.add(
            new Violation(
                at + ".timeoutSeconds",
                pr.getTimeoutSeconds()
                    + " (expected: not set when periodSeconds is 0: Knative probes aggressively)"));
      }
    } else {
      if (pr.getTimeoutSeconds() != null && pr.getTimeoutSeconds() < 1) {
        v.add(new Violation(at + ".timeoutSeconds", pr.getTimeoutSeconds() + " (expected: >= 1)"));
      }
      if (pr.getFailureThreshold() != null && pr.getFailureThreshold() < 1) {
        v.add(
            new Violation(
                at + ".failureThreshold", pr.getFailureThreshold() + " (expected: >= 1)"));
      }
    }
  }

  private void probePort(IntOrString port, String at, String portName, boolean serving) {
    String name = port == null ? null : port.getStrVal();
    int number = port == null || port.getIntVal() == null ? 0 : port.getIntVal();
    if (serving) {
      if (!isEmpty(name) && !name.equals(portName)) {
        v.add(
            new Violation(
                at, quote(name) + " (expected: the serving port's name " + quote(portName) + ")"));
      }
    } else if (isEmpty(name) && number == 0) {
      v.add(new Violation(at, "not set (expected: a sidecar's probe names its port)"));
    }
  }

  private void podSecurityContext(PodSecurityContext sc, String at) {
    if (sc == null) {
      return;
    }
    id(sc.getRunAsUser(), at + ".runAsUser");
    id(sc.getRunAsGroup(), at + ".runAsGroup");
    id(sc.getFsGroup(), at + ".fsGroup");
    List<Long> groups = list(sc.getSupplementalGroups());
    for (int i = 0; i < groups.size(); i++) {
      id(groups.get(i), at + ".supplementalGroups[" + i + "]");
    }
  }

  private void securityContext(SecurityContext sc, String at) {
    if (sc == null) {
      return;
    }
    id(sc.getRunAsUser(), at + ".runAsUser");
    id(sc.getRunAsGroup(), at + ".runAsGroup");
    Capabilities caps = sc.getCapabilities();
    if (caps != null && caps.getDrop() != null && !caps.getDrop().isEmpty()) {
      // Knative warns about "all"; a warning is not a refusal
    }
  }

  private void id(Long id, String at) {
    if (id != null && (id < 0 || id > MAX_ID)) {
      v.add(new Violation(at, id + " (expected: 0.." + MAX_ID + ")"));
    }
  }

  private void nonNegative(Integer n, String at) {
    if (n != null && n < 0) {
      v.add(new Violation(at, n + " (expected: >= 0)"));
    }
  }

  private static Probe probeOf(Container c, String field) {
    return switch (field) {
      case "livenessProbe" -> c.getLivenessProbe();
      case "readinessProbe" -> c.getReadinessProbe();
      default -> c.getStartupProbe();
    };
  }

  private static boolean negative(Quantity q) {
    try {
      return Quantity.getAmountInBytes(q).compareTo(BigDecimal.ZERO) < 0;
    } catch (IllegalArgumentException | ArithmeticException e) {
      return false;
    }
  }

  /** Go's {@code path.Clean} for absolute and relative paths. */
  static String cleanPath(String path) {
    boolean abs = path.startsWith("/");
    List<String> out = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
        } else if (!abs) {
          out.add("..");
        }
        continue;
      }
      out.add(part);
    }
    String joined = String.join("/", out);
    return abs ? "/" + joined : joined.isEmpty() ? "." : joined;
  }

  private static int nz(Integer n) {
    return n == null ? 0 : n;
  }

  static boolean isDnsLabel(String s) {
    return s.length() <= 63 && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }

  static boolean isDnsSubdomain(String s) {
    if (s.length() > 253) {
      return false;
    }
    for (String part : s.split("\\.", -1)) {
      if (!part.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        return false;
      }
    }
    return true;
  }

  private static boolean isEnvName(String s) {
    return s.matches("[-._a-zA-Z][-._a-zA-Z0-9]*");
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static List<Container> concat(List<Container> a, List<Container> b) {
    List<Container> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
