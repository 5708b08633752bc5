package dev.pilotlight.cli.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pilotlight.activator.ClientLimits;
import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.autoscaling.Durations;
import dev.pilotlight.cli.ClientLimitsOptions;
import dev.pilotlight.cli.Main;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The manifests of {@code deploy/} against the Kubernetes-mode contract: typed objects only, the
 * least privilege each component needs, Deployments that run the components' command lines with a
 * restricted security context and limits, Services that reach them, Knative's config.
 */
class DeployManifestsTest {
  static final String NAMESPACE = "pilotlight-system";
  static final String IMAGE = "ghcr.io/pilotlight/pilotlight:0.1.0";
  static final int HEALTH_PORT = 8090;
  static final String AUTOSCALER_URL =
      "http://pilotlight-autoscaler.pilotlight-system.svc.cluster.local:8081";

  /**
   * The options of each component's command line in the contract (k8s-contract.md, issue 5): the
   * commands are written in parallel, so the manifests are held to these names.
   */
  static final Map<String, Set<String>> CONTRACT_OPTIONS =
      Map.of(
          "controller",
          Set.of(
              "--kubeconfig",
              "--namespace",
              "--health-port",
              "--domain",
              "--log-format",
              "--log-level"),
          "autoscaler",
          Set.of(
              "--kubeconfig",
              "--namespace",
              "--health-port",
              "--intake-port",
              "--log-format",
              "--log-level"),
          "activator",
          Set.of(
              "--kubeconfig",
              "--namespace",
              "--health-port",
              "--port",
              "--tls-port",
              "--domain",
              "--autoscaler-url",
              "--drain-delay",
              "--drain-grace",
              "--log-format",
              "--log-level"));

  static final List<String> COMPONENTS = List.of("controller", "autoscaler", "activator");

  @Test
  void everyFileParsesIntoTypedObjectsWithOnlyFieldsKubernetesKnows() {
    List<Path> files = DeployFiles.files();
    assertThat(files.stream().map(p -> p.getFileName().toString()))
        .containsExactly(
            "00-namespace.yaml",
            "10-config.yaml",
            "10-stat-token.yaml",
            "20-activator.yaml",
            "20-autoscaler.yaml",
            "20-controller.yaml");
    Set<String> ids = new HashSet<>();
    for (Path f : files) {
      for (HasMetadata o : DeployFiles.objects(f)) {
        String id = f.getFileName() + " " + o.getKind() + " " + o.getMetadata().getName();
        assertThat(o).as(id).isNotInstanceOf(GenericKubernetesResource.class);
        assertThat(DeployFiles.unknownFields(o, o.getKind())).as(id).isEmpty();
        assertThat(ids.add(o.getKind() + "/" + o.getMetadata().getName())).as(id).isTrue();
        if (o instanceof Namespaced) {
          assertThat(o.getMetadata().getNamespace()).as(id).isEqualTo(NAMESPACE);
        } else {
          assertThat(o.getMetadata().getNamespace()).as(id).isNull();
        }
        assertThat(o.getMetadata().getLabels())
            .as(id)
            .containsEntry("app.kubernetes.io/part-of", "pilotlight");
      }
    }
  }

  @Test
  void unknownFieldCheckFindsAMisspeltField() {
    Deployment d = Serialization.clone(DeployFiles.named(Deployment.class, "pilotlight-activator"));
    d.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getSecurityContext()
        .setAdditionalProperty("readOnlyRootFileSystem", true);
    assertThat(DeployFiles.unknownFields(d, "Deployment"))
        .containsExactly(
            "Deployment.Spec.Template.Spec.Containers[0].SecurityContext.readOnlyRootFileSystem");
  }

  @Test
  void namespaceEnforcesTheRestrictedPodSecurityStandard() {
    Namespace ns = DeployFiles.named(Namespace.class, NAMESPACE);
    assertThat(ns.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
  }

  // ---- RBAC

  static Stream<Arguments> leastPrivilege() {
    String all = "get,list,watch,create,update,patch,delete";
    return Stream.of(
        Arguments.of(
            "activator",
            perms(
                "cluster serving.pilotlight.dev routes,revisions get,list,watch",
                "cluster discovery.k8s.io endpointslices get,list,watch",
                "cluster core secrets get,list,watch",
                NAMESPACE + " core configmaps[config-network] get,list,watch")),
        Arguments.of(
            "autoscaler",
            perms(
                "cluster autoscaling.pilotlight.dev podautoscalers get,list,watch",
                "cluster autoscaling.pilotlight.dev podautoscalers/status patch",
                NAMESPACE + " coordination.k8s.io leases create",
                NAMESPACE + " coordination.k8s.io leases[pilotlight-autoscaler] get,update,patch",
                NAMESPACE + " core configmaps[config-autoscaler] get,list,watch",
                NAMESPACE + " core configmaps[config-deployment] get,list,watch")),
        Arguments.of(
            "controller",
            perms(
                "cluster serving.pilotlight.dev services,configurations,routes,revisions " + all,
                "cluster serving.pilotlight.dev"
                    + " services/status,configurations/status,routes/status,revisions/status"
                    + " get,update,patch",
                "cluster serving.pilotlight.dev"
                    + " services/finalizers,configurations/finalizers,revisions/finalizers update",
                "cluster autoscaling.pilotlight.dev podautoscalers " + all,
                "cluster autoscaling.pilotlight.dev podautoscalers/status get,update,patch",
                "cluster apps deployments " + all,
                "cluster core services " + all,
                "cluster discovery.k8s.io endpointslices get,list,watch",
                "cluster cert-manager.io certificates get,list,watch,create,update,delete",
                "cluster core pods get,list,watch",
                "cluster core events create,patch",
                NAMESPACE + " coordination.k8s.io leases create",
                NAMESPACE + " coordination.k8s.io leases[pilotlight-controller] get,update,patch",
                NAMESPACE + " core configmaps[config-network] get,list,watch",
                NAMESPACE + " core configmaps[config-autoscaler] get,list,watch",
                NAMESPACE + " core configmaps[config-gc] get,list,watch",
                NAMESPACE + " core configmaps[config-deployment] get,list,watch",
                NAMESPACE + " core configmaps[config-features] get,list,watch",
                NAMESPACE + " core configmaps[config-defaults] get,list,watch",
                NAMESPACE + " core configmaps[config-certmanager] get,list,watch")));
  }

  /** "scope group resource[,resource][name] verb,verb" lines, expanded one line a verb. */
  private static Set<String> perms(String... lines) {
    Set<String> out = new TreeSet<>();
    for (String line : lines) {
      String[] p = line.split(" ");
      for (String resource : p[2].split(",")) {
        for (String verb : p[3].split(",")) {
          out.add(p[0] + " " + p[1] + "/" + resource + " " + verb);
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("leastPrivilege")
  void serviceAccountHasExactlyWhatItsComponentNeeds(String component, Set<String> expected) {
    assertThat(permissions("pilotlight-" + component)).containsExactlyElementsOf(expected);
  }

  @Test
  void activatorOnlyReads() {
    Set<String> granted = permissions("pilotlight-activator");
    assertThat(granted).isNotEmpty();
    assertThat(writeVerbs(granted)).isEmpty();
  }

  @Test
  void readOnlyCheckFindsAWriteVerb() {
    assertThat(writeVerbs(perms("cluster serving.pilotlight.dev routes get,patch")))
        .containsExactly("cluster serving.pilotlight.dev/routes patch");
  }

  private static List<String> writeVerbs(Set<String> granted) {
    Set<String> read = Set.of("get", "list", "watch");
    return granted.stream()
        .filter(g -> !read.contains(g.substring(g.lastIndexOf(' ') + 1)))
        .toList();
  }

  /** What a ServiceAccount of deploy/ may do, through every binding that names it. */
  static Set<String> permissions(String serviceAccount) {
    Set<String> out = new TreeSet<>();
    for (ClusterRoleBinding b : DeployFiles.all(ClusterRoleBinding.class)) {
      if (names(b.getSubjects(), serviceAccount)) {
        assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
        DeployFiles.named(ClusterRole.class, b.getRoleRef().getName())
            .getRules()
            .forEach(r -> add(out, "cluster", r));
      }
    }
    for (RoleBinding b : DeployFiles.all(RoleBinding.class)) {
      if (names(b.getSubjects(), serviceAccount)) {
        String scope = b.getMetadata().getNamespace();
        List<PolicyRule> rules =
            b.getRoleRef().getKind().equals("Role")
                ? DeployFiles.named(Role.class, b.getRoleRef().getName()).getRules()
                : DeployFiles.named(ClusterRole.class, b.getRoleRef().getName()).getRules();
        rules.forEach(r -> add(out, scope, r));
      }
    }
    return out;
  }

  private static boolean names(List<Subject> subjects, String serviceAccount) {
    return subjects.stream()
        .anyMatch(
            s ->
                s.getKind().equals("ServiceAccount")
                    && s.getName().equals(serviceAccount)
                    && NAMESPACE.equals(s.getNamespace()));
  }

  private static void add(Set<String> out, String scope, PolicyRule r) {
    List<String> names = r.getResourceNames().isEmpty() ? List.of("") : r.getResourceNames();
    for (String group : r.getApiGroups()) {
      for (String resource : r.getResources()) {
        for (String name : names) {
          for (String verb : r.getVerbs()) {
            String g = group.isEmpty() ? "core" : group;
            String n = name.isEmpty() ? "" : "[" + name + "]";
            out.add(scope + " " + g + "/" + resource + n + " " + verb);
          }
        }
      }
    }
  }

  // ---- Deployments

  private static Deployment deployment(String component) {
    return DeployFiles.named(Deployment.class, "pilotlight-" + component);
  }

  /** {@code --name=value} and {@code --name value} arguments after the subcommand. */
  static Map<String, String> options(List<String> args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      assertThat(a).as("argument " + i).startsWith("--");
      int eq = a.indexOf('=');
      if (eq > 0) {
        out.put(a.substring(0, eq), a.substring(eq + 1));
      } else {
        out.put(a, args.get(++i));
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"controller", "autoscaler", "activator"})
  void deploymentRunsTheComponentAsTheContractSays(String component) {
    Deployment d = deployment(component);
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(d.getSpec().getSelector().getMatchLabels()).isNotEmpty();
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    assertThat(pod.getServiceAccountName()).isEqualTo("pilotlight-" + component);
    assertThat(pod.getContainers()).hasSize(1);
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo(IMAGE);
    assertThat(c.getCommand()).as("the image's entrypoint runs pilotlight").isEmpty();
    assertThat(c.getArgs().get(0)).isEqualTo(component);
    Map<String, String> options = options(c.getArgs());
    assertThat(CONTRACT_OPTIONS.get(component)).containsAll(options.keySet());
    assertThat(options).containsEntry("--health-port", String.valueOf(HEALTH_PORT));
    assertThat(options).as("one JSON object per log line").containsEntry("--log-format", "json");

    assertThat(port(c, c.getReadinessProbe().getHttpGet().getPort())).isEqualTo(HEALTH_PORT);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(port(c, c.getLivenessProbe().getHttpGet().getPort())).isEqualTo(HEALTH_PORT);
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");

    assertThat(fieldRef(c, "POD_NAME")).isEqualTo("metadata.name");
    assertThat(fieldRef(c, "POD_NAMESPACE")).isEqualTo("metadata.namespace");
    EnvVar token =
        c.getEnv().stream()
            .filter(e -> e.getName().equals("PILOTLIGHT_STAT_TOKEN"))
            .findFirst()
            .orElse(null);
    if (component.equals("controller")) {
      assertThat(token).isNull();
    } else {
      assertThat(token).isNotNull();
      var ref = token.getValueFrom().getSecretKeyRef();
      assertThat(ref.getName()).isEqualTo("pilotlight-stat-token");
      assertThat(DeployFiles.named(Secret.class, ref.getName()).getStringData())
          .containsKey(ref.getKey());
    }

    Volume tmp =
        pod.getVolumes().stream()
            .filter(
                v ->
                    c.getVolumeMounts().stream()
                        .anyMatch(
                            m ->
                                m.getMountPath().equals("/tmp") && m.getName().equals(v.getName())))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume at /tmp"));
    assertThat(tmp.getEmptyDir()).isNotNull();

    switch (component) {
      case "activator" -> {
        assertThat(options).containsEntry("--autoscaler-url", AUTOSCALER_URL);
        assertThat(port(c, new IntOrString("http")))
            .isEqualTo(Integer.parseInt(options.get("--port")));
        long delay = java.time.Duration.parse("PT" + options.get("--drain-delay")).toSeconds();
        long grace = java.time.Duration.parse("PT" + options.get("--drain-grace")).toSeconds();
        assertThat(pod.getTerminationGracePeriodSeconds())
            .as("the drain delay, then the drain grace, then time to answer the held and close")
            .isGreaterThanOrEqualTo(delay + grace + 10);
        assertThat(grace).as("a held request may wait its revision's timeout").isGreaterThan(300);
        // several replicas sharing capacity: each knows its address among the Service's endpoints
        assertThat(d.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(fieldRef(c, "POD_IP")).isEqualTo("status.podIP");
        assertThat(pod.getTopologySpreadConstraints())
            .extracting(io.fabric8.kubernetes.api.model.TopologySpreadConstraint::getTopologyKey)
            .containsExactlyInAnyOrder("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        var pdb =
            DeployFiles.named(
                io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class,
                "pilotlight-activator");
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
            .isEqualTo(d.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        var hpa =
            DeployFiles.named(
                io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class,
                "pilotlight-activator");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("pilotlight-activator");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(d.getSpec().getReplicas());
      }
      case "autoscaler" ->
          assertThat(port(c, new IntOrString("intake")))
              .isEqualTo(Integer.parseInt(options.get("--intake-port")));
      default -> assertThat(options).doesNotContainKey("--domain"); // config-network decides
    }
    if (!component.equals("activator")) {
      // leader-elected: a surging new pod would wait for the old one's Lease and never be ready
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
      assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"controller", "autoscaler", "activator"})
  void argsAreAcceptedByTheComponentsCommandOnceItIsWired(String component) {
    CommandLine cli = Main.commandLine();
    assumeTrue(
        cli.getSubcommands().containsKey(component),
        "pilotlight " + component + " is written in parallel and not on this branch yet");
    List<String> args =
        deployment(component).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    cli.parseArgs(args.toArray(String[]::new));
  }

  private static int port(Container c, IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return c.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no port named " + port.getStrVal()));
  }

  private static String fieldRef(Container c, String env) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(env))
        .map(e -> e.getValueFrom().getFieldRef().getFieldPath())
        .findFirst()
        .orElse(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"controller", "autoscaler", "activator"})
  void everyContainerIsRestrictedAndLimited(String component) {
    assertThat(restrictedProblems(deployment(component).getSpec().getTemplate().getSpec()))
        .isEmpty();
  }

  @Test
  void restrictedCheckFindsEachWeakening() {
    PodSpec pod = Serialization.clone(deployment("activator").getSpec().getTemplate().getSpec());
    pod.setSecurityContext(new PodSecurityContext());
    Container c = pod.getContainers().get(0);
    SecurityContext sc = c.getSecurityContext();
    sc.setReadOnlyRootFilesystem(false);
    sc.setAllowPrivilegeEscalation(null);
    sc.getCapabilities().setDrop(List.of("NET_RAW"));
    sc.setSeccompProfile(null);
    sc.setRunAsNonRoot(null);
    c.getResources().getLimits().remove("memory");
    c.getResources().getRequests().put("cpu", new Quantity("3"));
    assertThat(restrictedProblems(pod))
        .containsExactlyInAnyOrder(
            "activator: runAsNonRoot",
            "activator: readOnlyRootFilesystem",
            "activator: allowPrivilegeEscalation false",
            "activator: capabilities drop ALL",
            "activator: seccompProfile RuntimeDefault",
            "activator: limits.memory",
            "activator: requests.cpu 3 above limits.cpu 2");
  }

  /** The restricted Pod Security Standard's container rules, plus requests and limits. */
  static List<String> restrictedProblems(PodSpec pod) {
    List<String> out = new ArrayList<>();
    PodSecurityContext psc = pod.getSecurityContext();
    boolean podNonRoot = psc != null && Boolean.TRUE.equals(psc.getRunAsNonRoot());
    boolean podSeccomp =
        psc != null
            && psc.getSeccompProfile() != null
            && "RuntimeDefault".equals(psc.getSeccompProfile().getType());
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    for (Container c : pod.getContainers()) {
      String n = c.getName() + ": ";
      SecurityContext sc =
          c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
      if (!podNonRoot && !Boolean.TRUE.equals(sc.getRunAsNonRoot())) {
        out.add(n + "runAsNonRoot");
      }
      if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
        out.add(n + "readOnlyRootFilesystem");
      }
      if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        out.add(n + "allowPrivilegeEscalation false");
      }
      if (sc.getPrivileged() != null && sc.getPrivileged()) {
        out.add(n + "privileged");
      }
      if (sc.getCapabilities() == null
          || !sc.getCapabilities().getDrop().contains("ALL")
          || !sc.getCapabilities().getAdd().isEmpty()) {
        out.add(n + "capabilities drop ALL");
      }
      boolean seccomp =
          sc.getSeccompProfile() != null
              && "RuntimeDefault".equals(sc.getSeccompProfile().getType());
      if (!podSeccomp && !seccomp) {
        out.add(n + "seccompProfile RuntimeDefault");
      }
      Map<String, Quantity> req =
          c.getResources() == null ? Map.of() : c.getResources().getRequests();
      Map<String, Quantity> lim =
          c.getResources() == null ? Map.of() : c.getResources().getLimits();
      for (String r : List.of("cpu", "memory")) {
        if (!req.containsKey(r)) {
          out.add(n + "requests." + r);
        }
        if (!lim.containsKey(r)) {
          out.add(n + "limits." + r);
        }
        if (req.containsKey(r)
            && lim.containsKey(r)
            && req.get(r).getNumericalAmount().compareTo(lim.get(r).getNumericalAmount()) > 0) {
          out.add(n + "requests." + r + " " + req.get(r) + " above limits." + r + " " + lim.get(r));
        }
      }
    }
    return out;
  }

  // ---- Services, config

  @Test
  void activatorIsALoadBalancerOnPort80AndTheAutoscalerIntakeAClusterIpOn8081() {
    Service activator = DeployFiles.named(Service.class, "pilotlight-activator");
    assertThat(activator.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(activator.getSpec().getPorts())
        .extracting(ServicePort::getPort)
        .containsExactly(80, 443);
    assertThat(targetPort(activator, deployment("activator"))).isEqualTo(8080);
    // 443 reaches the activator's --tls-port
    Container c = deployment("activator").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(port(c, activator.getSpec().getPorts().get(1).getTargetPort())).isEqualTo(8443);
    assertThat(options(c.getArgs())).containsEntry("--tls-port", "8443");

    Service autoscaler = DeployFiles.named(Service.class, "pilotlight-autoscaler");
    assertThat(autoscaler.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(autoscaler.getSpec().getPorts())
        .extracting(ServicePort::getPort)
        .containsExactly(8081);
    assertThat(targetPort(autoscaler, deployment("autoscaler"))).isEqualTo(8081);

    // the activators' default --autoscaler-url names that Service
    URI url = URI.create(AUTOSCALER_URL);
    assertThat(url.getHost())
        .isEqualTo(autoscaler.getMetadata().getName() + "." + NAMESPACE + ".svc.cluster.local");
    assertThat(url.getPort()).isEqualTo(8081);
  }

  /** The container port a Service's one port reaches on the Deployment it selects. */
  private static int targetPort(Service s, Deployment d) {
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .as(s.getMetadata().getName() + " selects " + d.getMetadata().getName())
        .containsAllEntriesOf(s.getSpec().getSelector());
    for (Deployment other : DeployFiles.all(Deployment.class)) {
      if (!other.getMetadata().getName().equals(d.getMetadata().getName())) {
        assertThat(
                other
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getLabels()
                    .entrySet()
                    .containsAll(s.getSpec().getSelector().entrySet()))
            .as(s.getMetadata().getName() + " selects only " + d.getMetadata().getName())
            .isFalse();
      }
    }
    return port(
        d.getSpec().getTemplate().getSpec().getContainers().get(0),
        s.getSpec().getPorts().get(0).getTargetPort());
  }

  @Test
  void configAutoscalerHoldsKnativesKeysWithTheirDefaults() {
    ConfigMap cm = DeployFiles.named(ConfigMap.class, "config-autoscaler");
    assertThat(cm.getData()).hasSize(17);
    assertThat(AutoscalerConfigs.fromData(cm.getData())).isEqualTo(AutoscalerConfig.DEFAULTS);
  }

  @Test
  void configNetworkHoldsTheDomainAndTheGatewaysClientLimitsAtTheirDefaults() {
    ConfigMap cm = DeployFiles.named(ConfigMap.class, "config-network");
    assertThat(cm.getData())
        .containsOnlyKeys(
            "domain",
            ClientLimitsOptions.HEADER_TIMEOUT,
            ClientLimitsOptions.KEEPALIVE_TIMEOUT,
            ClientLimitsOptions.BODY_TIMEOUT,
            ClientLimitsOptions.HTTP2_IDLE_TIMEOUT,
            ClientLimitsOptions.MAX_CONNECTIONS,
            HttpProtocol.KEY,
            dev.pilotlight.controller.kubernetes.tls.ExternalDomainTls.KEY);
    assertThat(HttpProtocol.of(cm.getData().get(HttpProtocol.KEY), true))
        .isEqualTo(HttpProtocol.ENABLED);
    assertThat(cm.getData().get("domain"))
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+");
    // what the file says is what the activator does without it
    ClientLimits d = ClientLimits.defaults();
    Map<String, String> data = cm.getData();
    assertThat(Durations.parse(data.get(ClientLimitsOptions.HEADER_TIMEOUT)))
        .isEqualTo(d.headerTimeout());
    assertThat(Durations.parse(data.get(ClientLimitsOptions.KEEPALIVE_TIMEOUT)))
        .isEqualTo(d.keepAliveTimeout());
    assertThat(Durations.parse(data.get(ClientLimitsOptions.BODY_TIMEOUT)))
        .isEqualTo(d.bodyTimeout());
    assertThat(Durations.parse(data.get(ClientLimitsOptions.HTTP2_IDLE_TIMEOUT)))
        .isEqualTo(d.http2IdleTimeout());
    assertThat(Integer.parseInt(data.get(ClientLimitsOptions.MAX_CONNECTIONS)))
        .isEqualTo(d.maxConnections());
  }

  @Test
  void statTokenSecretHoldsAPlaceholderToReplace() {
    Secret s = DeployFiles.named(Secret.class, "pilotlight-stat-token");
    assertThat(s.getStringData()).containsOnlyKeys("token");
    assertThat(s.getStringData().get("token")).contains("placeholder");
  }
}
