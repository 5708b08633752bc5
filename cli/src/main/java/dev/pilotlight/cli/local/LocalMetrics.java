package dev.pilotlight.cli.local;

import dev.pilotlight.activator.Gateway;
import dev.pilotlight.activator.MetricsExposition;
import dev.pilotlight.autoscaler.shell.AutoscalerShell;
import dev.pilotlight.controller.kubernetes.Controller;
import dev.pilotlight.controller.metrics.InstanceMetrics;
import dev.pilotlight.controller.runtime.local.ProcessRuntime;
import java.util.List;

/**
 * Local mode's {@code /metrics} on the admin port: the gateway's series ({@code
 * pilotlight_gateway_}), the autoscaler's ({@code pilotlight_autoscaler_}) and the node's instances
 * ({@code pilotlight_instances_}) and the controller's reconcilers ({@code pilotlight_controller_},
 * one {@code kind} per reconciler, as on Kubernetes), each from its component's own registry.
 */
public final class LocalMetrics {
  private LocalMetrics() {}

  public static MetricsExposition exposition(
      Gateway gateway, AutoscalerShell autoscaler, ProcessRuntime runtime, Controller controller) {
    return new MetricsExposition(
        List.of(
            gateway.registry(),
            autoscaler.metrics().registry(),
            new InstanceMetrics(runtime::counts).registry(),
            controller.metrics().registry()));
  }
}
