package dev.pilotlight.controller.kubernetes.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.spi.RevisionKey;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure builders of a Service's and a Revision's children. */
class RevisionChildrenTest {

  static RevisionResource revision(String spec) {
    RevisionResource r =
        Serialization.unmarshal(
            """
            apiVersion: serving.pilotlight.dev/v1
            kind: Revision
            metadata:
              name: hello-00002
              namespace: demo
              uid: rev-uid
              labels:
                serving.knative.dev/configuration: hello
                serving.knative.dev/service: hello
                team: a
              annotations:
                autoscaling.knative.dev/min-scale: "1"
            spec:
            """
                + spec.indent(2),
            RevisionResource.class);
    return r;
  }

  static final String PLAIN =
      """
      containers:
        - image: ghcr.io/example/hello:2
          env: [{name: GREETING, value: hi}, {name: PORT, value: "1"}]
      """;

  @Test
  void deploymentFollowsTheRuntimeContract() {
    Deployment d = RevisionChildren.deployment(revision(PLAIN), 3);
    assertThat(d.getMetadata().getName()).isEqualTo("hello-00002-deployment");
    assertThat(d.getMetadata().getNamespace()).isEqualTo("demo");
    assertThat(d.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("rev-uid");
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels())
        .containsEntry("serving.knative.dev/configuration", "hello");
    assertThat(d.getSpec().getTemplate().getSpec().getEnableServiceLinks()).isFalse();
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getName()).isEqualTo("user-container");
    assertThat(env(c))
        .containsEntry("GREETING", "hi")
        .containsEntry("PORT", "8080") // the user's PORT gives way to the contract's
        .containsEntry("K_SERVICE", "hello")
        .containsEntry("K_CONFIGURATION", "hello")
        .containsEntry("K_REVISION", "hello-00002")
        .containsEntry("PILOTLIGHT_INSTANCE_CLASS", "standard");
    assertThat(c.getEnv().stream().filter(e -> e.getName().equals("PORT")).count()).isEqualTo(1);
    assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(c.getPorts().get(0).getName()).isEqualTo("http1");
  }

  /** Knative's docs' kinds of templates at once: every pod spec field a template may carry. */
  static final String WHOLE =
      """
      serviceAccountName: robot
      automountServiceAccountToken: false
      imagePullSecrets: [{name: registry}]
      nodeSelector: {disk: ssd}
      tolerations: [{key: dedicated, operator: Equal, value: serving, effect: NoSchedule}]
      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a]}]}]}}}
      securityContext: {runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000}
      runtimeClassName: gvisor
      priorityClassName: high
      schedulerName: custom
      dnsPolicy: ClusterFirst
      dnsConfig: {nameservers: [1.1.1.1]}
      hostAliases: [{ip: 10.0.0.1, hostnames: [db]}]
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}]
      volumes:
        - {name: secret-vol, secret: {secretName: creds}}
        - {name: config-vol, configMap: {name: settings, items: [{key: a, path: a.txt}]}}
        - {name: scratch, emptyDir: {}}
        - {name: tokens, projected: {sources: [{serviceAccountToken: {path: token, audience: api}}]}}
      initContainers:
        - name: migrate
          image: ghcr.io/example/migrate:1
          volumeMounts: [{name: scratch, mountPath: /scratch}]
      containers:
        - name: app
          image: ghcr.io/example/hello:2
          ports: [{containerPort: 9000}]
          env: [{name: GREETING, valueFrom: {secretKeyRef: {name: creds, key: greeting}}}]
          envFrom: [{configMapRef: {name: settings}}]
          resources: {requests: {cpu: 100m}, limits: {memory: 128Mi}}
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
          volumeMounts:
            - {name: secret-vol, mountPath: /secrets, readOnly: true}
            - {name: config-vol, mountPath: /config, readOnly: true}
            - {name: tokens, mountPath: /var/run/tokens, readOnly: true}
          readinessProbe: {httpGet: {path: /ready}, periodSeconds: 2}
          livenessProbe: {exec: {command: [/bin/check]}}
          startupProbe: {grpc: {port: 9000}, failureThreshold: 30}
        - name: proxy
          image: ghcr.io/example/proxy:1
          args: [--upstream, "localhost:9000"]
          volumeMounts: [{name: scratch, mountPath: /cache}]
      containerConcurrency: 10
      timeoutSeconds: 120
      """;

  @Test
  void deploymentCarriesTheTemplatesPodSpecFieldByField() {
    RevisionResource rev = revision(WHOLE);
    PodSpec template = rev.getSpec().podSpec();
    PodSpec pod = RevisionChildren.deployment(rev, 1).getSpec().getTemplate().getSpec();
    // every pod-level field as written
    assertThat(pod.getServiceAccountName()).isEqualTo(template.getServiceAccountName());
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getImagePullSecrets()).isEqualTo(template.getImagePullSecrets());
    assertThat(pod.getNodeSelector()).isEqualTo(template.getNodeSelector());
    assertThat(pod.getTolerations()).isEqualTo(template.getTolerations());
    assertThat(pod.getAffinity()).isEqualTo(template.getAffinity());
    assertThat(pod.getSecurityContext()).isEqualTo(template.getSecurityContext());
    assertThat(pod.getRuntimeClassName()).isEqualTo("gvisor");
    assertThat(pod.getPriorityClassName()).isEqualTo("high");
    assertThat(pod.getSchedulerName()).isEqualTo("custom");
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirst");
    assertThat(pod.getDnsConfig()).isEqualTo(template.getDnsConfig());
    assertThat(pod.getHostAliases()).isEqualTo(template.getHostAliases());
    assertThat(pod.getTopologySpreadConstraints())
        .isEqualTo(template.getTopologySpreadConstraints());
    assertThat(pod.getVolumes()).isEqualTo(template.getVolumes());
    assertThat(pod.getInitContainers()).isEqualTo(template.getInitContainers());
    // Knative's: the timeout as the grace period, service links off unless the template says
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(120L);
    assertThat(pod.getEnableServiceLinks()).isFalse();
    // the serving container: the template's, with the runtime contract
    assertThat(pod.getContainers()).hasSize(2);
    Container app = pod.getContainers().get(0);
    Container user = template.getContainers().get(0);
    assertThat(app.getName()).isEqualTo("app");
    assertThat(app.getImage()).isEqualTo(user.getImage());
    assertThat(app.getEnvFrom()).isEqualTo(user.getEnvFrom());
    assertThat(app.getEnv()).contains(user.getEnv().get(0));
    assertThat(env(app)).containsEntry("PORT", "9000").containsEntry("K_REVISION", "hello-00002");
    assertThat(app.getResources()).isEqualTo(user.getResources());
    assertThat(app.getSecurityContext()).isEqualTo(user.getSecurityContext());
    assertThat(app.getVolumeMounts()).isEqualTo(user.getVolumeMounts());
    assertThat(app.getPorts().get(0).getContainerPort()).isEqualTo(9000);
    assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(app.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
    assertThat(app.getReadinessProbe().getPeriodSeconds()).isEqualTo(2);
    assertThat(app.getLivenessProbe()).isEqualTo(user.getLivenessProbe());
    assertThat(app.getStartupProbe()).isEqualTo(user.getStartupProbe());
    assertThat(app.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    // the sidecar: as written, plus Knative's K_* variables, no port
    Container proxy = pod.getContainers().get(1);
    Container userProxy = template.getContainers().get(1);
    assertThat(proxy.getName()).isEqualTo("proxy");
    assertThat(proxy.getImage()).isEqualTo(userProxy.getImage());
    assertThat(proxy.getArgs()).isEqualTo(userProxy.getArgs());
    assertThat(proxy.getVolumeMounts()).isEqualTo(userProxy.getVolumeMounts());
    assertThat(proxy.getPorts()).isEmpty();
    assertThat(env(proxy))
        .containsEntry("K_SERVICE", "hello")
        .containsEntry("K_CONFIGURATION", "hello")
        .containsEntry("K_REVISION", "hello-00002")
        .doesNotContainKey("PORT");
    // the endpoints Service and the PodAutoscaler follow the serving container
    assertThat(RevisionChildren.endpointsService(rev).getSpec().getPorts().get(0).getPort())
        .isEqualTo(9000);
    // the reserve's pod is the same pod spec with the reserve's placement over it
    ReserveSpec reserve =
        ReserveSpecs.resolve(
                Map.of(
                    "pilotlight.dev/reserve-instance", "true",
                    "pilotlight.dev/reserve-node-selector", "type=virtual"),
                10)
            .orElseThrow();
    PodSpec reservePod =
        RevisionChildren.reserveDeployment(rev, reserve, 1).getSpec().getTemplate().getSpec();
    assertThat(reservePod.getVolumes()).isEqualTo(template.getVolumes());
    assertThat(reservePod.getServiceAccountName()).isEqualTo("robot");
    assertThat(reservePod.getNodeSelector())
        .containsEntry("disk", "ssd")
        .containsEntry("type", "virtual");
    assertThat(reservePod.getContainers()).hasSize(2);
  }

  @Test
  void unnamedContainersAreNamedAsKnativeDoesAndConfigDefaultsApply() {
    RevisionResource rev =
        revision(
            """
            containers:
              - {image: a, ports: [{containerPort: 8080}]}
              - {image: b, resources: {requests: {cpu: 50m}}}
            """);
    ServingDefaults defaults =
        ServingDefaults.fromData(
            Map.of(
                "revision-cpu-request", "400m",
                "revision-memory-limit", "200M",
                "enable-service-links", "true"));
    PodSpec pod =
        RevisionChildren.deployment(rev, 1, java.time.Duration.ofSeconds(600), defaults)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getContainers())
        .extracting(Container::getName)
        .containsExactly("user-container-0", "user-container-1");
    assertThat(pod.getContainers().get(0).getResources().getRequests())
        .containsEntry("cpu", new Quantity("400m"));
    assertThat(pod.getContainers().get(0).getResources().getLimits())
        .containsEntry("memory", new Quantity("200M"));
    assertThat(pod.getContainers().get(1).getResources().getRequests())
        .containsEntry("cpu", new Quantity("50m"));
    assertThat(pod.getEnableServiceLinks()).isTrue();
  }

  static Stream<Arguments> probes() {
    return Stream.of(
        Arguments.of("no probe: TCP on the port", "", null, 8080, 300L),
        Arguments.of(
            "HTTP probe without a port gets the serving port",
            "readinessProbe: {httpGet: {path: /ready}}\n",
            "/ready",
            8080,
            300L),
        Arguments.of(
            "declared port and timeout",
            "ports: [{containerPort: 9000, name: h2c}]\nreadinessProbe: {httpGet: {path: /healthz}}\n",
            "/healthz",
            9000,
            300L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void readinessProbeAndPort(String name, String extra, String path, int port, long grace) {
    RevisionResource rev = revision("containers:\n  - image: x\n" + extra.indent(4));
    Deployment d = RevisionChildren.deployment(rev, 1);
    Probe p = d.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe();
    if (path == null) {
      assertThat(p.getTcpSocket().getPort().getIntVal()).isEqualTo(port);
    } else {
      assertThat(p.getHttpGet().getPath()).isEqualTo(path);
      assertThat(p.getHttpGet().getPort().getIntVal()).isEqualTo(port);
    }
    assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(grace);
  }

  @Test
  void terminationGraceIsTheTimeout() {
    Deployment d = RevisionChildren.deployment(revision(PLAIN + "timeoutSeconds: 42\n"), 1);
    assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(42L);
  }

  /** Knative's deploy.go: the annotation, else config-deployment's progress-deadline. */
  @Test
  void progressDeadlineSecondsIsTheAnnotationElseConfigDeployments() {
    RevisionResource rev = revision(PLAIN);
    assertThat(RevisionChildren.deployment(rev, 1).getSpec().getProgressDeadlineSeconds())
        .isEqualTo(600);
    assertThat(
            RevisionChildren.deployment(rev, 1, java.time.Duration.ofSeconds(444))
                .getSpec()
                .getProgressDeadlineSeconds())
        .isEqualTo(444);
    rev.getMetadata().getAnnotations().put("serving.knative.dev/progress-deadline", "2m");
    assertThat(
            RevisionChildren.deployment(rev, 1, java.time.Duration.ofSeconds(444))
                .getSpec()
                .getProgressDeadlineSeconds())
        .isEqualTo(120);
  }

  static ReserveSpec reserveSpec(Map<String, String> annotations) {
    return ReserveSpecs.resolve(annotations, 0).orElseThrow();
  }

  @Test
  void reserveDeploymentIsTheStandardTemplateWithTheReserveSpec() {
    RevisionResource rev =
        revision(
            """
            timeoutSeconds: 42
            containers:
              - image: ghcr.io/example/hello:2
                env: [{name: GREETING, value: hi}]
                resources:
                  requests: {cpu: "2", memory: 2Gi, ephemeral-storage: 1Gi}
                  limits: {cpu: "4", memory: 4Gi}
            """);
    ReserveSpec reserve =
        reserveSpec(
            Map.of(
                "pilotlight.dev/reserve-instance", "true",
                "pilotlight.dev/reserve-resources", "cpu=250m,memory=256Mi",
                "pilotlight.dev/reserve-node-selector", "type=virtual-kubelet",
                "pilotlight.dev/reserve-tolerations",
                    "virtual-kubelet.io/provider:NoSchedule,pool=cheap:NoExecute",
                "pilotlight.dev/reserve-pod-annotations",
                    "{\"k8s.aliyun.com/eci-use-specs\": \"0.25-0.5Gi\"}"));
    Deployment d = RevisionChildren.reserveDeployment(rev, reserve, 1);
    Deployment standard = RevisionChildren.deployment(rev, 0);

    assertThat(d.getMetadata().getName()).isEqualTo("hello-00002-reserve");
    assertThat(d.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("rev-uid");
    assertThat(d.getMetadata().getLabels())
        .containsEntry("serving.knative.dev/revision", "hello-00002")
        .containsEntry("pilotlight.dev/instance-class", "reserve")
        .containsEntry("app.kubernetes.io/managed-by", "pilotlight");
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .isEqualTo(
            Map.of(
                "serving.knative.dev/revision", "hello-00002",
                "pilotlight.dev/instance-class", "reserve"));
    var template = d.getSpec().getTemplate();
    assertThat(template.getMetadata().getLabels())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    assertThat(template.getMetadata().getAnnotations())
        .isEqualTo(Map.of("k8s.aliyun.com/eci-use-specs", "0.25-0.5Gi"));
    assertThat(template.getSpec().getNodeSelector()).isEqualTo(Map.of("type", "virtual-kubelet"));
    assertThat(template.getSpec().getTolerations())
        .extracting(
            io.fabric8.kubernetes.api.model.Toleration::getKey,
            io.fabric8.kubernetes.api.model.Toleration::getOperator,
            io.fabric8.kubernetes.api.model.Toleration::getValue,
            io.fabric8.kubernetes.api.model.Toleration::getEffect)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "virtual-kubelet.io/provider", "Exists", null, "NoSchedule"),
            org.assertj.core.groups.Tuple.tuple("pool", "Equal", "cheap", "NoExecute"));
    assertThat(template.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(42L);
    assertThat(template.getSpec().getEnableServiceLinks()).isFalse();

    Container c = template.getSpec().getContainers().get(0);
    Container s = standard.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo(s.getImage());
    assertThat(c.getReadinessProbe()).isEqualTo(s.getReadinessProbe());
    assertThat(c.getPorts()).isEqualTo(s.getPorts());
    assertThat(env(c))
        .containsEntry("GREETING", "hi")
        .containsEntry("K_REVISION", "hello-00002")
        .containsEntry("PILOTLIGHT_INSTANCE_CLASS", "reserve");
    assertThat(c.getResources().getRequests())
        .containsEntry("cpu", new Quantity("250m"))
        .containsEntry("memory", new Quantity("256Mi"))
        .containsEntry("ephemeral-storage", new Quantity("1Gi"));
    assertThat(c.getResources().getLimits())
        .containsEntry("cpu", new Quantity("250m"))
        .containsEntry("memory", new Quantity("256Mi"));
    // the standard template is untouched
    assertThat(s.getResources().getRequests()).containsEntry("cpu", new Quantity("2"));
    assertThat(standard.getSpec().getTemplate().getSpec().getNodeSelector()).isNullOrEmpty();
  }

  @Test
  void reserveWithoutResourcesKeepsTheContainersOwn() {
    RevisionResource rev =
        revision("containers:\n  - image: x\n    resources: {limits: {cpu: \"1\"}}\n");
    Deployment d =
        RevisionChildren.reserveDeployment(
            rev, reserveSpec(Map.of("pilotlight.dev/reserve-instance", "true")), 0);
    assertThat(d.getSpec().getReplicas()).isZero();
    var spec = d.getSpec().getTemplate().getSpec();
    assertThat(spec.getContainers().get(0).getResources().getLimits())
        .isEqualTo(Map.of("cpu", new Quantity("1")));
    assertThat(spec.getNodeSelector()).isNullOrEmpty();
    assertThat(spec.getTolerations()).isNullOrEmpty();
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void reserveServiceSelectsTheReservePodWithTheStandardPort() {
    RevisionResource rev =
        revision("containers:\n  - image: x\n    ports: [{containerPort: 50051, name: h2c}]\n");
    Service s = RevisionChildren.reserveEndpointsService(rev);
    Service standard = RevisionChildren.endpointsService(rev);
    assertThat(s.getMetadata().getName()).isEqualTo("hello-00002-reserve");
    assertThat(s.getMetadata().getLabels())
        .containsEntry("serving.knative.dev/revision", "hello-00002")
        .containsEntry("pilotlight.dev/instance-class", "reserve");
    assertThat(s.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("rev-uid");
    assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(s.getSpec().getSelector())
        .isEqualTo(
            Map.of(
                "serving.knative.dev/revision", "hello-00002",
                "pilotlight.dev/instance-class", "reserve"));
    assertThat(s.getSpec().getPorts()).isEqualTo(standard.getSpec().getPorts());
    assertThat(standard.getSpec().getSelector())
        .containsEntry("pilotlight.dev/instance-class", "standard");
  }

  @Test
  void headlessServiceNamesItsPortAfterTheProtocol() {
    Service http = RevisionChildren.endpointsService(revision(PLAIN));
    assertThat(http.getMetadata().getName()).isEqualTo("hello-00002");
    assertThat(http.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(http.getSpec().getPorts().get(0).getName()).isEqualTo("http");
    Service h2c =
        RevisionChildren.endpointsService(
            revision(
                "containers:\n  - image: x\n    ports: [{containerPort: 50051, name: h2c}]\n"));
    assertThat(h2c.getSpec().getPorts().get(0).getName()).isEqualTo("h2c");
    assertThat(h2c.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(50051);
  }

  @Test
  void podAutoscalerCarriesTheRevisionsAnnotationsAndLimits() {
    PodAutoscalerResource pa =
        RevisionChildren.podAutoscaler(
            revision(PLAIN + "containerConcurrency: 7\n"), PodAutoscalerResource.UNREACHABLE);
    assertThat(pa.getMetadata().getName()).isEqualTo("hello-00002");
    assertThat(pa.getMetadata().getAnnotations())
        .isEqualTo(Map.of("autoscaling.knative.dev/min-scale", "1"));
    assertThat(pa.getSpec())
        .isEqualTo(
            new PodAutoscalerResource.Spec(
                new PodAutoscalerResource.ScaleTargetRef(
                    "apps/v1", "Deployment", "hello-00002-deployment"),
                "Unreachable",
                "http1",
                7L));
  }

  @Test
  void aStampedRevisionKeepsTheTemplatesAnnotationsAndNumbersItself() {
    ConfigurationResource owner = new ConfigurationResource();
    owner.getMetadata().setName("hello");
    owner.getMetadata().setUid("config-uid");
    Revision stamped =
        new Revision(
            new RevisionKey("demo", "hello-00003"),
            "hello",
            "hello",
            3,
            "abc",
            Map.of("autoscaling.knative.dev/target", "5"),
            Map.of("team", "a", "serving.knative.dev/configuration", "hello"),
            revision(PLAIN).getSpec(),
            Instant.EPOCH);
    RevisionResource r = RevisionChildren.revision(stamped, owner);
    assertThat(r.getMetadata().getAnnotations())
        .isEqualTo(Map.of("autoscaling.knative.dev/target", "5"));
    assertThat(r.getMetadata().getLabels())
        .containsEntry("serving.knative.dev/configurationGeneration", "3")
        .containsEntry("serving.knative.dev/service", "hello")
        .containsEntry("team", "a")
        .containsEntry(Models.TEMPLATE_HASH_LABEL, "abc");
    assertThat(r.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("Configuration");
    Revision back = Models.revision(r);
    assertThat(back.configurationGeneration()).isEqualTo(3);
    assertThat(back.templateHash()).isEqualTo("abc");
  }

  @Test
  void aServicesChildrenDropKubectlsLastAppliedCopy() {
    ServiceResource s =
        Serialization.unmarshal(
            """
            apiVersion: serving.pilotlight.dev/v1
            kind: Service
            metadata:
              name: hello
              namespace: demo
              uid: svc-uid
              labels: {team: a}
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: "{...}"
                note: kept
            spec:
              template:
                spec:
                  containers: [{image: x}]
            """,
            ServiceResource.class);
    ConfigurationResource c = ServiceChildren.configuration(s);
    assertThat(c.getMetadata().getAnnotations()).isEqualTo(Map.of("note", "kept"));
    assertThat(c.getMetadata().getLabels())
        .isEqualTo(Map.of("team", "a", "serving.knative.dev/service", "hello"));
    assertThat(c.getSpec().template()).isEqualTo(s.getSpec().template());
    assertThat(ServiceChildren.route(s).getSpec().traffic().get(0).configurationName())
        .isEqualTo("hello");
  }

  private static Map<String, String> env(Container c) {
    return c.getEnv().stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName,
                e -> e.getValue() == null ? "(valueFrom)" : e.getValue(),
                (a, b) -> b));
  }
}
