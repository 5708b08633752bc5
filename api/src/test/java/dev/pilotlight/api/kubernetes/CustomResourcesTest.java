package dev.pilotlight.api.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomResourcesTest {

  @Test
  void serviceReadsKnativeLayoutAndRoundTripsItsStatus() {
    ServiceResource s =
        Serialization.unmarshal(
            """
            apiVersion: serving.pilotlight.dev/v1
            kind: Service
            metadata:
              name: hello
              namespace: demo
            spec:
              template:
                metadata:
                  annotations:
                    autoscaling.knative.dev/target: "10"
                spec:
                  containerConcurrency: 4
                  containers:
                    - image: ghcr.io/example/hello:1
                      ports: [{containerPort: 8080, name: h2c}]
              traffic:
                - latestRevision: true
                  percent: 100
            status:
              url: http://hello.demo.example.com
              conditions:
                - {type: Ready, status: "True"}
            """,
            ServiceResource.class);
    assertThat(s.getMetadata().getName()).isEqualTo("hello");
    assertThat(s.getSpec().template().spec().concurrencyLimit()).isEqualTo(4);
    assertThat(s.getSpec().template().spec().protocol().name()).isEqualTo("H2C");
    assertThat(s.getSpec().template().metadata().annotations())
        .containsEntry("autoscaling.knative.dev/target", "10");
    assertThat(s.getSpec().traffic().get(0).isLatest()).isTrue();
    assertThat(s.getStatus().url()).isEqualTo("http://hello.demo.example.com");
    assertThat(s.getCRDName()).isEqualTo("services.serving.pilotlight.dev");

    ServiceResource back = Serialization.unmarshal(Serialization.asYaml(s), ServiceResource.class);
    assertThat(back.getSpec()).isEqualTo(s.getSpec());
    assertThat(back.getStatus()).isEqualTo(s.getStatus());
  }

  @Test
  void podAutoscalerStatusRoundTrips() {
    PodAutoscalerResource pa = new PodAutoscalerResource();
    pa.setSpec(
        new PodAutoscalerResource.Spec(
            new PodAutoscalerResource.ScaleTargetRef("apps/v1", "Deployment", "a-00001-deployment"),
            PodAutoscalerResource.REACHABLE,
            "http1",
            0L));
    pa.setStatus(
        new PodAutoscalerResource.Status(
            1L,
            List.of(new ConditionBuilder().withType("Ready").withStatus("True").build()),
            3,
            2));
    PodAutoscalerResource back =
        Serialization.unmarshal(Serialization.asJson(pa), PodAutoscalerResource.class);
    assertThat(back.getSpec()).isEqualTo(pa.getSpec());
    assertThat(back.getStatus().desiredScale()).isEqualTo(3);
    assertThat(back.getApiVersion()).isEqualTo("autoscaling.pilotlight.dev/v1alpha1");
  }
}
