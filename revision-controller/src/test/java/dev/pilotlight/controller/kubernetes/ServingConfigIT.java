package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.controller.kubernetes.ClusterFixture.await;
import static dev.pilotlight.controller.kubernetes.ClusterFixture.condition;
import static dev.pilotlight.controller.kubernetes.ClusterFixture.hasCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.ServingConfig;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.testkit.MockCrds;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * config-defaults and config-features on Kubernetes, against the fabric8 mock API server in CRUD
 * mode: a template that leaves timeouts and concurrency unset gets config-defaults' values in its
 * Revision and Deployment, as Knative's defaulting webhook gives them; a change of config-defaults
 * applies to revisions stamped after it only; a change of either ConfigMap is validated against
 * again at once (every object reconciled).
 */
@EnableKubernetesMockClient(crud = true)
class ServingConfigIT {
  static KubernetesClient client;

  static final String PLAIN =
      """
      apiVersion: serving.pilotlight.dev/v1
      kind: Service
      metadata:
        name: plain
      spec:
        template:
          spec:
            containers:
              - image: ghcr.io/example/hello:1
      """;

  @BeforeAll
  static void crds() {
    MockCrds.register(client);
  }

  static ControllerSettings settings(ServingDefaults defaults) {
    return ControllerSettings.defaults("example.com").withServing(Features.DEFAULTS, defaults);
  }

  @Test
  void configDefaultsFillWhatTheTemplateLeavesUnset_andAChangeAppliesToNewRevisionsOnly()
      throws Exception {
    ServingDefaults first =
        ServingDefaults.fromData(
            Map.of(
                "revision-timeout-seconds", "120",
                "container-concurrency", "7",
                "revision-idle-timeout-seconds", "60"));
    try (ClusterFixture c = new ClusterFixture(client, "defaults", settings(first))) {
      c.apply(PLAIN);

      RevisionResource one = await("plain-00001", () -> c.revision("plain-00001"), x -> true);
      assertThat(one.getSpec().timeoutSeconds()).isEqualTo(120L);
      assertThat(one.getSpec().containerConcurrency()).isEqualTo(7L);
      assertThat(one.getSpec().idleTimeoutSeconds()).isEqualTo(60L);
      assertThat(one.getSpec().responseStartTimeoutSeconds()).isNull();
      Deployment d1 =
          await("plain-00001's Deployment", () -> c.deployment("plain-00001"), x -> true);
      assertThat(d1.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
          .isEqualTo(120L);
      // the user's template is left as written
      assertThat(c.configuration("plain").getSpec().template().spec().timeoutSeconds()).isNull();

      c.controller.reconfigure(
          new ServingConfig(
              Features.DEFAULTS,
              ServingDefaults.fromData(
                  Map.of("revision-timeout-seconds", "200", "container-concurrency", "3"))));
      // the template is unchanged: no new revision; a template change stamps one with the new
      // defaults
      c.apply(PLAIN.replace("hello:1", "hello:2"));

      RevisionResource two = await("plain-00002", () -> c.revision("plain-00002"), x -> true);
      assertThat(two.getSpec().timeoutSeconds()).isEqualTo(200L);
      assertThat(two.getSpec().containerConcurrency()).isEqualTo(3L);
      assertThat(two.getSpec().idleTimeoutSeconds()).isNull();
      Deployment d2 =
          await("plain-00002's Deployment", () -> c.deployment("plain-00002"), x -> true);
      assertThat(d2.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
          .isEqualTo(200L);

      RevisionResource oneAfter = c.revision("plain-00001");
      assertThat(oneAfter.getSpec()).isEqualTo(one.getSpec());
      assertThat(
              c.deployment("plain-00001")
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getTerminationGracePeriodSeconds())
          .isEqualTo(120L);
      assertThat(c.revisionNames()).containsExactly("plain-00001", "plain-00002");
    }
  }

  @Test
  void aServiceRefusedUnderTheOldConfigIsReconciledOnceTheNewOneAllowsIt() throws Exception {
    try (ClusterFixture c =
        new ClusterFixture(client, "reconfigured", settings(ServingDefaults.DEFAULTS))) {
      c.apply(
          PLAIN.replace(
              "    spec:\n      containers:",
              "    spec:\n      timeoutSeconds: 900\n      containers:"));

      ServiceResource refused =
          await(
              "Service Ready False",
              () -> c.service("plain"),
              x ->
                  x.getStatus() != null
                      && hasCondition(x.getStatus().conditions(), "Ready", "False"));
      assertThat(condition(refused.getStatus().conditions(), "Ready").orElseThrow().getMessage())
          .contains("spec.template.spec.timeoutSeconds: 900");
      assertThat(c.configuration("plain")).isNull();

      c.controller.reconfigure(
          new ServingConfig(
              Features.DEFAULTS,
              ServingDefaults.fromData(Map.of("max-revision-timeout-seconds", "900"))));

      RevisionResource rev = await("plain-00001", () -> c.revision("plain-00001"), x -> true);
      assertThat(rev.getSpec().timeoutSeconds()).isEqualTo(900L);
    }
  }
}
