package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.traffic.ResolvedTarget;
import dev.pilotlight.controller.status.StatusSnapshot;
import dev.pilotlight.controller.status.StatusSnapshot.AutoscalerCondition;
import dev.pilotlight.controller.status.StatusSnapshot.InstanceStatus;
import dev.pilotlight.controller.status.StatusSnapshot.KnativeCondition;
import dev.pilotlight.controller.status.StatusSnapshot.ReserveStatus;
import dev.pilotlight.controller.status.StatusSnapshot.RevisionStatus;
import dev.pilotlight.controller.status.StatusSnapshot.ServiceStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  @Test
  void tableShowsServicesTrafficTagsAndRevisions() {
    StatusSnapshot s =
        new StatusSnapshot(
            List.of(
                new ServiceStatus(
                    "split",
                    "default",
                    "Route",
                    "http://split.default.localhost:8080",
                    true,
                    null,
                    null,
                    null,
                    null,
                    List.of(
                        new ResolvedTarget("blue-00001", "blue", true, 80, null, null),
                        new ResolvedTarget(
                            "green-00001",
                            "green",
                            true,
                            20,
                            "canary",
                            "http://canary-split.default.localhost:8080")),
                    null)),
            List.of(
                new RevisionStatus(
                    "blue-00001",
                    "default",
                    null,
                    "blue",
                    0,
                    0,
                    true,
                    true,
                    null,
                    17,
                    null,
                    null,
                    null,
                    null,
                    null),
                new RevisionStatus(
                    "green-00001",
                    "default",
                    null,
                    "green",
                    0,
                    0,
                    true,
                    true,
                    null,
                    0,
                    new ReserveStatus(true, true, "ready"),
                    null,
                    null,
                    null,
                    null)));
    String table = StatusCommand.table(s);
    assertThat(table)
        .contains(
            "split",
            "http://split.default.localhost:8080",
            "True",
            "blue-00001=80%",
            "green-00001=20%(canary)")
        .contains("tag canary: http://canary-split.default.localhost:8080 -> green-00001")
        .contains("REVISION", "DESIRED", "READY", "PENDING", "RESERVE", "HELD")
        .containsPattern("blue-00001 +0 +0 +- +17 +yes")
        .containsPattern("green-00001 +0 +0 +ready +0 +yes");
  }

  @Test
  void theReserveSurvivesTheJsonRoundTrip() throws Exception {
    RevisionStatus r =
        new RevisionStatus(
            "a-00001",
            "default",
            "a",
            "a",
            0,
            0,
            true,
            true,
            null,
            1,
            new ReserveStatus(true, true, "ready"),
            null,
            null,
            null,
            null);
    String json =
        dev.pilotlight.cli.admin.AdminServer.JSON.writeValueAsString(
            new StatusSnapshot(List.of(), List.of(r)));
    assertThat(json).contains("\"reserve\" : {").contains("\"enabled\" : true");
    StatusSnapshot back =
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, StatusSnapshot.class);
    assertThat(back.revisions()).containsExactly(r);
  }

  @Test
  void eachInstanceIsShownWithItsRuntimeImageAndStateAndSurvivesTheJsonRoundTrip()
      throws Exception {
    RevisionStatus r =
        new RevisionStatus(
            "boxed-00001",
            "default",
            "boxed",
            "boxed",
            1,
            1,
            true,
            true,
            null,
            null,
            null,
            null,
            null,
            List.of(
                new InstanceStatus(
                    "boxed-00001-1",
                    "standard",
                    "container",
                    "localhost/httpd:1@0123456789ab",
                    "Ready",
                    41234,
                    0),
                new InstanceStatus(
                    "boxed-00001-reserve-1",
                    "reserve",
                    "container",
                    "localhost/httpd:1",
                    "ContainerCreating",
                    null,
                    2)),
            null);
    StatusSnapshot s = new StatusSnapshot(List.of(), List.of(r));
    assertThat(StatusCommand.table(s))
        .contains("INSTANCE", "RUNTIME", "STATE", "IMAGE")
        .containsPattern(
            "boxed-00001 +boxed-00001-1 +standard +container +Ready +0 +localhost/httpd:1@0123")
        .containsPattern("boxed-00001-reserve-1 +reserve +container +ContainerCreating +2 ");
    String json = dev.pilotlight.cli.admin.AdminServer.JSON.writeValueAsString(s);
    assertThat(json).contains("\"runtime\" : \"container\"").doesNotContain("\"port\" : null");
    StatusSnapshot back =
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, StatusSnapshot.class);
    assertThat(back.revisions()).containsExactly(r);
  }

  @Test
  void theAutoscalersConditionsAreShownAndSurviveTheJsonRoundTrip() throws Exception {
    RevisionStatus r =
        new RevisionStatus(
            "a-00001",
            "default",
            "a",
            "a",
            0,
            0,
            true,
            true,
            null,
            0,
            null,
            List.of(
                new AutoscalerCondition(
                    "Active",
                    "False",
                    "NoTraffic",
                    "The target is not receiving traffic.",
                    "2026-12-07T12:00:00Z"),
                new AutoscalerCondition(
                    "Ready",
                    "False",
                    "NoTraffic",
                    "The target is not receiving traffic.",
                    "2026-12-07T12:00:00Z"),
                new AutoscalerCondition(
                    "ScaleTargetInitialized", "True", null, null, "2026-12-07T11:59:00Z")),
            null,
            null,
            null);
    StatusSnapshot s = new StatusSnapshot(List.of(), List.of(r));
    assertThat(StatusCommand.table(s))
        .contains("AUTOSCALER")
        .contains("Active=False/NoTraffic Ready=False/NoTraffic ScaleTargetInitialized=True");
    String json = dev.pilotlight.cli.admin.AdminServer.JSON.writeValueAsString(s);
    assertThat(json)
        .contains("\"conditions\" : [")
        .contains("\"reason\" : \"NoTraffic\"")
        .contains("\"message\" : \"The target is not receiving traffic.\"");
    StatusSnapshot back =
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, StatusSnapshot.class);
    assertThat(back.revisions()).containsExactly(r);
  }

  @Test
  void conditionsNotTrueAreShown_andTheConditionsSurviveTheJsonRoundTrip() throws Exception {
    KnativeCondition ready =
        new KnativeCondition(
            "Ready", "False", "RevisionFailed", "revision failed", "2026-03-01T10:00:00Z");
    KnativeCondition routes = new KnativeCondition("RoutesReady", "True", null, null, "t");
    KnativeCondition pull =
        new KnativeCondition(
            "ContainerHealthy", "False", "ErrImagePull", "Unable to pull image", "t");
    StatusSnapshot s =
        new StatusSnapshot(
            List.of(
                new ServiceStatus(
                    "hello",
                    "default",
                    "Service",
                    "http://hello.default.localhost:8080",
                    false,
                    "RevisionFailed",
                    "revision failed",
                    "hello-00001",
                    null,
                    List.of(),
                    List.of(ready, routes))),
            List.of(
                new RevisionStatus(
                    "hello-00001",
                    "default",
                    "hello",
                    "hello",
                    1,
                    0,
                    false,
                    true,
                    "Unable to pull image",
                    null,
                    ReserveStatus.DISABLED,
                    List.of(),
                    0,
                    List.of(),
                    List.of(pull, ready))));
    assertThat(StatusCommand.table(s))
        .contains("default/hello conditions: Ready=False RevisionFailed\n")
        .contains(
            "default/hello-00001 conditions: ContainerHealthy=False ErrImagePull;"
                + " Ready=False RevisionFailed\n")
        .doesNotContain("RoutesReady=True");
    String json = dev.pilotlight.cli.admin.AdminServer.JSON.writeValueAsString(s);
    assertThat(json).contains("\"revisionConditions\" : [").contains("\"conditions\" : [");
    StatusSnapshot back =
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, StatusSnapshot.class);
    assertThat(back).isEqualTo(s);
  }

  @Test
  void pendingInstancesAreCountedAndTheirReasonShown_andSurviveTheJsonRoundTrip() throws Exception {
    String why =
        "Unschedulable: 1 instance pending; 0/1 nodes are available: insufficient cpu (requests"
            + " 500m, free 0m of 1000m)";
    StatusSnapshot s =
        new StatusSnapshot(
            List.of(),
            List.of(
                new RevisionStatus(
                    "a-00001", "default", "a", "a", 3, 2, true, true, why, 0, null, null, 1, null,
                    null)));
    assertThat(StatusCommand.table(s))
        .containsPattern("DESIRED +READY +PENDING +RESERVE")
        .containsPattern("a-00001 +a +3 +2 +1 +- +0 +yes")
        .contains(why);
    String json = dev.pilotlight.cli.admin.AdminServer.JSON.writeValueAsString(s);
    assertThat(json).contains("\"pending\" : 1");
    StatusSnapshot back =
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, StatusSnapshot.class);
    assertThat(back.revisions()).isEqualTo(s.revisions());
  }

  @Test
  void noRunningInstanceIsAClearError() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine()
            .setErr(new PrintWriter(err))
            .execute("status", "--admin-port", Integer.toString(port));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("no local Pilotlight answers on 127.0.0.1:" + port);
  }
}
