package dev.pilotlight.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.controller.kubernetes.gc.GcConfig;
import dev.pilotlight.controller.kubernetes.queue.ReconcileLoop;
import dev.pilotlight.controller.kubernetes.queue.WorkQueue;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reconcilers as Knative tests them: objects in, one reconcile, the writes it made and the
 * status it left, out. Each row runs the real reconcilers on an {@link
 * dev.pilotlight.controller.store.ObjectStore}: no server, manual time, milliseconds. A row's
 * objects are what the reconcilers themselves made ({@link StoreWorld#settle()}) plus what the rest
 * of the cluster would have done (Deployments ready, the autoscaler's desired scale).
 */
class ReconcilerTableTest {
  /** The Service the mock-server ITs use too. */
  static final String HELLO = KubernetesControllerIT.HELLO;

  static final String HELLO_V2 = HELLO.replace("hello:1", "hello:2");

  static final String HELLO_V3 = HELLO.replace("hello:1", "hello:3");

  static final String SPLIT =
      HELLO_V2
          + """
            traffic:
              - revisionName: hello-00001
                percent: 50
              - latestRevision: true
                percent: 50
                tag: latest
          """;

  static final String MISSING =
      HELLO
          + """
            traffic:
              - revisionName: hello-00009
                percent: 100
          """;

  static final String RESERVE =
      HELLO.replace(
          "autoscaling.knative.dev/target: \"10\"",
          "autoscaling.knative.dev/target: \"10\"\n        pilotlight.dev/reserve-instance: \"true\"");

  static final String REV1 = "hello-00001";
  static final String REV2 = "hello-00002";

  @FunctionalInterface
  interface Step {
    void run(StoreWorld w) throws Exception;
  }

  /**
   * @param given the objects in
   * @param kind the reconciler (service, configuration, revision, route)
   * @param key the name reconciled
   * @param want the writes, in order
   * @param then what the objects say after
   * @param gc garbage collection of the configuration reconcile
   */
  record Row(
      String name, Step given, String kind, String key, List<String> want, Step then, GcConfig gc) {
    Row(String name, Step given, String kind, String key, List<String> want, Step then) {
      this(name, given, kind, key, want, then, GcConfig.DEFAULTS);
    }

    Row gc(GcConfig config) {
      return new Row(name, given, kind, key, want, then, config);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Step serving(String yaml) {
    return w -> w.apply(yaml);
  }

  /** HELLO reconciled to the end, its first revision ready. */
  static final Step READY =
      w -> {
        w.apply(HELLO);
        w.settle().standardReady(REV1).settle();
      };

  /** RESERVE reconciled to the end: serving from one ready standard instance. */
  static final Step RESERVE_SERVING =
      w -> {
        w.apply(RESERVE);
        w.settle().standardReady(REV1).settle();
      };

  static Stream<Row> rows() {
    return Stream.of(
        new Row(
            "a new Service: its Configuration and Route, status out of date",
            serving(HELLO),
            "service",
            "hello",
            List.of(
                "create Configuration default/hello",
                "create Route default/hello",
                "status KService default/hello"),
            w -> {
              List<Condition> c = w.service("hello").getStatus().conditions();
              assertThat(cond(c, "ConfigurationsReady")).startsWith("Unknown/");
              assertThat(cond(c, "RoutesReady")).startsWith("Unknown/");
              assertThat(cond(c, "Ready")).startsWith("Unknown/");
              assertOwned(w.configuration("hello"), w.service("hello"));
              assertOwned(w.route("hello"), w.service("hello"));
            }),
        new Row(
            "a new Configuration: revision 00001 stamped",
            w -> {
              w.apply(HELLO);
              w.reconcile("service", "hello");
            },
            "configuration",
            "hello",
            List.of("create Revision default/hello-00001", "status Configuration default/hello"),
            w -> {
              assertThat(w.configuration("hello").getStatus().latestCreatedRevisionName())
                  .isEqualTo(REV1);
              assertThat(cond(w.configuration("hello").getStatus().conditions(), "Ready"))
                  .startsWith("Unknown");
              assertOwned(w.revision(REV1), w.configuration("hello"));
            }),
        new Row(
            "a new Revision: Deployment, headless Service, PodAutoscaler, routing state",
            w -> {
              w.apply(HELLO);
              w.reconcile("service", "hello");
              w.reconcile("configuration", "hello");
            },
            "revision",
            REV1,
            List.of(
                "create Deployment default/hello-00001-deployment",
                "create Service default/hello-00001",
                "create PodAutoscaler default/hello-00001",
                "patchMetadata Revision default/hello-00001",
                "status Revision default/hello-00001"),
            w -> {
              RevisionResource r = w.revision(REV1);
              assertThat(w.deployment(REV1).getSpec().getReplicas()).isEqualTo(1);
              assertOwned(w.deployment(REV1), r);
              assertOwned(w.endpointsService(REV1), r);
              assertOwned(w.podAutoscaler(REV1), r);
              // no Route has taken it yet: Knative's pending, its autoscaler's reachability unknown
              assertThat(RoutingState.of(r)).isEqualTo(RoutingState.PENDING);
              assertThat(w.podAutoscaler(REV1).getSpec().reachability()).isNull();
              List<Condition> c = r.getStatus().conditions();
              assertThat(cond(c, "ResourcesAvailable")).startsWith("Unknown");
              assertThat(cond(c, "Ready")).startsWith("Unknown");
            }),
        new Row(
            "a Route before its configuration's first revision: waiting (Unknown), not failing",
            w -> {
              w.apply(HELLO);
              w.reconcile("service", "hello");
            },
            "route",
            "hello",
            List.of("status Route default/hello"),
            w -> {
              List<Condition> c = w.route("hello").getStatus().conditions();
              assertThat(cond(c, "AllTrafficAssigned")).startsWith("Unknown/RevisionMissing");
              assertThat(cond(c, "Ready")).startsWith("Unknown/RevisionMissing");
            }),
        new Row(
            "a Route to the latest revision: resolved to it, with its URL",
            w -> {
              w.apply(HELLO);
              w.reconcile("service", "hello");
              w.reconcile("configuration", "hello");
            },
            "route",
            "hello",
            List.of("status Route default/hello"),
            w -> {
              assertThat(traffic(w)).containsExactly("hello-00001 100 latest=true tag=null");
              assertThat(w.route("hello").getStatus().url())
                  .isEqualTo("http://hello.default.example.com");
              assertThat(cond(w.route("hello").getStatus().conditions(), "AllTrafficAssigned"))
                  .isEqualTo("True/");
            }),
        new Row(
            "the Deployment ready: the Revision Ready, the PodAutoscaler's actual scale",
            w -> {
              w.apply(HELLO);
              w.settle().standardReady(REV1);
            },
            "revision",
            REV1,
            List.of(
                "replaceStatusFields PodAutoscaler default/hello-00001",
                "status Revision default/hello-00001"),
            w -> {
              assertThat(cond(w.revision(REV1).getStatus().conditions(), "Ready"))
                  .isEqualTo("True/");
              assertThat(w.podAutoscaler(REV1).getStatus().actualScale()).isEqualTo(1);
            }),
        new Row(
            "steady state: a Ready Service writes nothing",
            READY,
            "service",
            "hello",
            List.of(),
            w -> {
              var status = w.service("hello").getStatus();
              assertThat(cond(status.conditions(), "Ready")).isEqualTo("True/");
              assertThat(cond(status.conditions(), "ConfigurationsReady")).isEqualTo("True/");
              assertThat(cond(status.conditions(), "RoutesReady")).isEqualTo("True/");
              assertThat(status.url()).isEqualTo("http://hello.default.example.com");
              assertThat(status.latestReadyRevisionName()).isEqualTo(REV1);
            }),
        new Row(
            "a template change: the Service updates its Configuration",
            w -> {
              READY.run(w);
              w.apply(HELLO_V2);
            },
            "service",
            "hello",
            List.of("update Configuration default/hello", "status KService default/hello"),
            w -> {
              assertThat(w.configuration("hello").getMetadata().getGeneration()).isEqualTo(2L);
              assertThat(cond(w.service("hello").getStatus().conditions(), "ConfigurationsReady"))
                  .startsWith("Unknown/");
            }),
        new Row(
            "a template change: revision 00002 stamped, 00001 stays the latest ready",
            w -> {
              READY.run(w);
              w.apply(HELLO_V2);
              w.reconcile("service", "hello");
            },
            "configuration",
            "hello",
            List.of("create Revision default/hello-00002", "status Configuration default/hello"),
            w -> {
              var status = w.configuration("hello").getStatus();
              assertThat(status.latestCreatedRevisionName()).isEqualTo(REV2);
              assertThat(status.latestReadyRevisionName()).isEqualTo(REV1);
              assertThat(w.revisionNames()).containsExactly(REV1, REV2);
            }),
        new Row(
            "a traffic change: split 50/50, the latest tagged",
            w -> {
              READY.run(w);
              w.apply(HELLO_V2);
              w.settle().standardReady(REV2).settle();
              w.apply(SPLIT);
              w.reconcile("service", "hello");
            },
            "route",
            "hello",
            List.of("status Route default/hello"),
            w ->
                assertThat(traffic(w))
                    .containsExactly(
                        "hello-00001 50 latest=false tag=null",
                        "hello-00002 50 latest=true tag=latest")),
        new Row(
            "a Route naming a revision that does not exist: RevisionMissing, the old traffic stays",
            w -> {
              READY.run(w);
              w.apply(MISSING);
              w.reconcile("service", "hello");
            },
            "route",
            "hello",
            List.of("status Route default/hello"),
            w -> {
              List<Condition> c = w.route("hello").getStatus().conditions();
              assertThat(cond(c, "AllTrafficAssigned")).startsWith("False/RevisionMissing");
              assertThat(cond(c, "Ready")).startsWith("False/RevisionMissing");
              assertThat(traffic(w)).containsExactly("hello-00001 100 latest=true tag=null");
            }),
        new Row(
            "the autoscaler's desired scale reaches the Deployment",
            w -> {
              READY.run(w);
              w.desiredScale(REV1, 3);
            },
            "revision",
            REV1,
            List.of(
                "update Deployment default/hello-00001-deployment",
                "status Revision default/hello-00001"),
            w -> {
              assertThat(w.deployment(REV1).getSpec().getReplicas()).isEqualTo(3);
              assertThat(w.deployment(REV1).getMetadata().getGeneration()).isEqualTo(2L);
              assertThat(w.revision(REV1).getStatus().desiredReplicas()).isEqualTo(3);
            }),
        new Row(
                "garbage collection: the oldest unrouted revision goes, its children with it",
                w -> {
                  READY.run(w);
                  w.apply(HELLO_V2);
                  w.settle().standardReady(REV2).settle();
                  w.apply(HELLO_V3);
                  w.settle().standardReady("hello-00003").settle();
                },
                "configuration",
                "hello",
                List.of("delete Revision default/hello-00001"),
                w -> {
                  assertThat(w.revisionNames()).containsExactly(REV2, "hello-00003");
                  assertThat(w.deployment(REV1)).isNull();
                  assertThat(w.endpointsService(REV1)).isNull();
                  assertThat(w.podAutoscaler(REV1)).isNull();
                  assertThat(w.deployment(REV2)).isNotNull();
                })
            .gc(new GcConfig(null, null, 0, 1)),
        new Row(
            "pilot light, serving: the reserve Deployment waits at 0",
            RESERVE_SERVING,
            "revision",
            REV1,
            List.of(),
            w -> {
              assertThat(w.reserveDeployment(REV1).getSpec().getReplicas()).isZero();
              assertThat(w.deployment(REV1).getSpec().getReplicas()).isEqualTo(1);
              assertThat(w.revision(REV1).getStatus().reserve().enabled()).isTrue();
            }),
        new Row(
            "pilot light, to zero: the reserve starts, the last ready standard instance stays",
            w -> {
              RESERVE_SERVING.run(w);
              w.desiredScale(REV1, 0);
            },
            "revision",
            REV1,
            List.of(
                "update Deployment default/hello-00001-reserve",
                "replaceStatusFields PodAutoscaler default/hello-00001"),
            w -> {
              assertThat(w.reserveDeployment(REV1).getSpec().getReplicas()).isEqualTo(1);
              assertThat(w.deployment(REV1).getSpec().getReplicas()).isEqualTo(1);
            }),
        new Row(
            "pilot light, reserve ready: the standard instance goes",
            w -> {
              RESERVE_SERVING.run(w);
              w.desiredScale(REV1, 0).settle().reserveReady(REV1);
            },
            "revision",
            REV1,
            List.of(
                "update Deployment default/hello-00001-deployment",
                "status Revision default/hello-00001"),
            w -> {
              assertThat(w.deployment(REV1).getSpec().getReplicas()).isZero();
              assertThat(w.reserveDeployment(REV1).getSpec().getReplicas()).isEqualTo(1);
              assertThat(w.revision(REV1).getStatus().reserve().ready()).isTrue();
            }),
        new Row(
            "pilot light, awake: a standard instance ready, the reserve back to 0",
            w -> {
              RESERVE_SERVING.run(w);
              w.desiredScale(REV1, 0).settle().reserveReady(REV1).settle().standardReady(REV1);
              w.desiredScale(REV1, 1).settle().standardReady(REV1);
            },
            "revision",
            REV1,
            List.of(
                "update Deployment default/hello-00001-reserve",
                "replaceStatusFields PodAutoscaler default/hello-00001",
                "status Revision default/hello-00001"),
            w -> {
              assertThat(w.reserveDeployment(REV1).getSpec().getReplicas()).isZero();
              assertThat(w.deployment(REV1).getSpec().getReplicas()).isEqualTo(1);
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void reconcile(Row row) throws Exception {
    try (StoreWorld w = new StoreWorld(row.gc())) {
      row.given().run(w);
      assertThat(w.reconcile(row.kind(), row.key())).as("writes").isEqualTo(row.want());
      row.then().run(w);
    }
  }

  @Test
  void aResourceVersionConflictIsRetriedAfterTheBackoffAndConverges() throws Exception {
    try (StoreWorld w = new StoreWorld()) {
      READY.run(w);
      w.apply(HELLO_V2);
      // someone else writes the Configuration between the reconciler's read and its update
      w.writes.beforeUpdate =
          o -> {
            if (o instanceof ConfigurationResource) {
              w.writes.beforeUpdate = x -> {};
              w.store.patchMetadata(
                  ConfigurationResource.class, ObjectKey.of(o), Map.of("team", "a"), null);
            }
          };
      ManualTicker ticker = new ManualTicker();
      ManualScheduler scheduler = new ManualScheduler(ticker);
      ReconcileLoop<ObjectKey> loop =
          new ReconcileLoop<>(
              "service",
              new WorkQueue<>(scheduler, ticker),
              w.services,
              ControllerSettings.RECONCILE_BACKOFF);
      ObjectKey key = StoreWorld.key("hello");
      loop.queue().add(key);

      assertThat(loop.processNext()).isTrue();
      assertThat(loop.failures(key)).isEqualTo(1);
      assertThat(w.configuration("hello").getMetadata().getGeneration()).isEqualTo(1L);
      assertThat(loop.queue().size()).isZero();
      assertThat(loop.queue().parked()).isEqualTo(1);

      scheduler.advance(49, TimeUnit.MILLISECONDS);
      assertThat(loop.processNext()).isFalse();
      scheduler.advance(1, TimeUnit.MILLISECONDS);
      assertThat(loop.processNext()).isTrue();

      assertThat(loop.failures(key)).isZero();
      ConfigurationResource c = w.configuration("hello");
      assertThat(c.getMetadata().getGeneration()).isEqualTo(2L);
      assertThat(c.getMetadata().getLabels()).containsEntry("team", "a");
      assertThat(c.getSpec().template().spec().containers().get(0).getImage())
          .isEqualTo("ghcr.io/example/hello:2");
    }
  }

  // ---- helpers ----

  /** {@code status/reason}, or {@code missing}. */
  static String cond(List<Condition> conditions, String type) {
    return Conditions.find(conditions, type)
        .map(c -> c.getStatus() + "/" + (c.getReason() == null ? "" : c.getReason()))
        .orElse("missing");
  }

  static List<String> traffic(StoreWorld w) {
    return w.route("hello").getStatus().traffic().stream().map(ReconcilerTableTest::show).toList();
  }

  static String show(TrafficStatus t) {
    return t.revisionName()
        + " "
        + t.percent()
        + " latest="
        + Boolean.TRUE.equals(t.latestRevision())
        + " tag="
        + t.tag();
  }

  static void assertOwned(HasMetadata child, HasMetadata owner) {
    assertThat(child).isNotNull();
    assertThat(child.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getUid()).isEqualTo(owner.getMetadata().getUid());
              assertThat(r.getController()).isTrue();
            });
  }
}
