package dev.pilotlight.controller.kubernetes.desired;

import static org.assertj.core.api.Assertions.assertThat;

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
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
  }
}
