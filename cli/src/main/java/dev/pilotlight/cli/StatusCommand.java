package dev.pilotlight.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pilotlight.api.traffic.ResolvedTarget;
import dev.pilotlight.controller.status.StatusSnapshot;
import dev.pilotlight.controller.status.StatusSnapshot.AutoscalerCondition;
import dev.pilotlight.controller.status.StatusSnapshot.InstanceStatus;
import dev.pilotlight.controller.status.StatusSnapshot.KnativeCondition;
import dev.pilotlight.controller.status.StatusSnapshot.ReserveStatus;
import dev.pilotlight.controller.status.StatusSnapshot.RevisionStatus;
import dev.pilotlight.controller.status.StatusSnapshot.ServiceStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Asks a running `pilotlight local` for its services and revisions. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show services (URL, readiness, traffic) and revisions (desired, ready and pending"
            + " instances, the pilot light's reserve instance, held requests), and the Knative"
            + " conditions that are not True.")
public final class StatusCommand implements Callable<Integer> {
  enum Output {
    table,
    json
  }

  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  @Option(
      names = "--admin-port",
      defaultValue = "9090",
      description = "Admin port of the local instance (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  Output output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/status"))
            .timeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      err.println(
          "no local Pilotlight answers on 127.0.0.1:"
              + adminPort
              + " (start one with: ./pilotlight local FILE)");
      return 1;
    } catch (IOException e) {
      err.println("cannot read status from 127.0.0.1:" + adminPort + ": " + e.getMessage());
      return 1;
    }
    if (response.statusCode() != 200) {
      err.println(
          "status endpoint answered " + response.statusCode() + ": " + response.body().strip());
      return 1;
    }
    if (output == Output.json) {
      out.println(response.body().strip());
      return 0;
    }
    out.print(table(JSON.readValue(response.body(), StatusSnapshot.class)));
    out.flush();
    return 0;
  }

  static String table(StatusSnapshot s) {
    StringBuilder sb = new StringBuilder();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAMESPACE", "SERVICE", "URL", "READY", "REASON", "TRAFFIC"});
    for (ServiceStatus svc : s.services()) {
      rows.add(
          new String[] {
            svc.namespace(),
            svc.name(),
            svc.url(),
            svc.ready() ? "True" : "False",
            svc.reason() == null ? "" : svc.reason(),
            traffic(svc.traffic())
          });
    }
    render(sb, rows);
    for (ServiceStatus svc : s.services()) {
      if (svc.message() != null) {
        sb.append("  ")
            .append(svc.namespace())
            .append('/')
            .append(svc.name())
            .append(": ")
            .append(svc.message())
            .append('\n');
      }
      String why = notTrue(svc.conditions());
      if (why != null) {
        sb.append("  ")
            .append(svc.namespace())
            .append('/')
            .append(svc.name())
            .append(" conditions: ")
            .append(why)
            .append('\n');
      }
      for (ResolvedTarget t : svc.traffic()) {
        if (t.url() != null) {
          sb.append("  tag ")
              .append(t.tag())
              .append(": ")
              .append(t.url())
              .append(" -> ")
              .append(t.revisionName())
              .append('\n');
        }
      }
    }
    sb.append('\n');
    rows = new ArrayList<>();
    rows.add(
        new String[] {
          "NAMESPACE",
          "REVISION",
          "SERVICE",
          "DESIRED",
          "READY",
          "PENDING",
          "RESERVE",
          "HELD",
          "ROUTED",
          "AUTOSCALER",
          "MESSAGE"
        });
    for (RevisionStatus r : s.revisions()) {
      rows.add(
          new String[] {
            r.namespace(),
            r.name(),
            r.service() == null ? "" : r.service(),
            Integer.toString(r.desiredReplicas()),
            Integer.toString(r.actualReplicas()),
            r.pending() == null ? "" : Integer.toString(r.pending()),
            reserve(r.reserve()),
            r.held() == null ? "" : Integer.toString(r.held()),
            r.routed() ? "yes" : "no",
            conditions(r.conditions()),
            r.message() == null ? "" : r.message()
          });
    }
    render(sb, rows);
    for (RevisionStatus r : s.revisions()) {
      String why = notTrue(r.revisionConditions());
      if (why != null) {
        sb.append("  ")
            .append(r.namespace())
            .append('/')
            .append(r.name())
            .append(" conditions: ")
            .append(why)
            .append('\n');
      }
    }
    rows = new ArrayList<>();
    rows.add(
        new String[] {
          "NAMESPACE", "REVISION", "INSTANCE", "CLASS", "RUNTIME", "STATE", "RESTARTS", "IMAGE"
        });
    for (RevisionStatus r : s.revisions()) {
      if (r.instances() == null) {
        continue;
      }
      for (InstanceStatus i : r.instances()) {
        rows.add(
            new String[] {
              r.namespace(),
              r.name(),
              i.name(),
              i.instanceClass(),
              i.runtime(),
              i.state(),
              Long.toString(i.restarts()),
              i.image() == null ? "" : i.image()
            });
      }
    }
    if (rows.size() > 1) {
      sb.append('\n');
      render(sb, rows);
    }
    return sb.toString();
  }

  /**
   * The autoscaler's Knative conditions, compact: {@code Active=False/NoTraffic
   * Ready=False/NoTraffic ScaleTargetInitialized=True}; {@code -} when unknown.
   */
  static String conditions(List<AutoscalerCondition> conditions) {
    if (conditions == null || conditions.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    for (AutoscalerCondition c : conditions) {
      parts.add(c.type() + "=" + c.status() + (c.reason() == null ? "" : "/" + c.reason()));
    }
    return String.join(" ", parts);
  }

  /**
   * Knative's conditions of a Service, Route or Revision that are not True, so a user sees why it
   * is not ready: {@code ConfigurationsReady=False RevisionFailed; Ready=False RevisionFailed};
   * null when all are True or none are known.
   */
  static String notTrue(List<KnativeCondition> conditions) {
    if (conditions == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (KnativeCondition c : conditions) {
      if (!"True".equals(c.status())) {
        parts.add(c.type() + "=" + c.status() + (c.reason() == null ? "" : " " + c.reason()));
      }
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /** The pilot light's state ({@code ready}, {@code starting}, ...), or {@code -} when off. */
  private static String reserve(ReserveStatus reserve) {
    if (reserve == null || !reserve.enabled()) {
      return "-";
    }
    return reserve.state() != null ? reserve.state() : reserve.ready() ? "ready" : "not ready";
  }

  private static String traffic(List<ResolvedTarget> targets) {
    List<String> parts = new ArrayList<>();
    for (ResolvedTarget t : targets) {
      parts.add(
          t.revisionName()
              + "="
              + t.percent()
              + "%"
              + (t.tag() == null ? "" : "(" + t.tag() + ")"));
    }
    return String.join(" ", parts);
  }

  private static void render(StringBuilder sb, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
