package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.spi.Protocol;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One check of a probe, as the kubelet makes it: {@code httpGet} and {@code tcpSocket} against the
 * published port ({@link ReadinessCheck}), {@code exec} through the engine ({@code <engine> exec
 * <container> <command>}, success on exit code 0, killed after {@code timeoutSeconds}), {@code
 * grpc} as a {@code grpc.health.v1.Health/Check} over h2c ({@link H2cGet#grpcServing}). Blocking,
 * bounded by the timeout given.
 */
final class ProbeCheck {
  /** What an exec probe's timeout is extended by for the engine CLI's own start. */
  static final Duration ENGINE_ALLOWANCE = Duration.ofSeconds(5);

  /** One check's result, with what failed. */
  record Result(boolean ok, String detail) {}

  private final ReadinessCheck http;
  private final List<String> exec; // engine exec command, null: not exec
  private final String grpcService; // null: not grpc
  private final Duration timeout;

  private ProbeCheck(ReadinessCheck http, List<String> exec, String grpcService, Duration timeout) {
    this.http = http;
    this.exec = exec;
    this.grpcService = grpcService;
    this.timeout = timeout;
  }

  /**
   * @param engine the engine running the container, null for a host process
   * @param container the container's name, for exec
   */
  static ProbeCheck of(Probe probe, Protocol protocol, ContainerEngine engine, String container) {
    ReadinessCheck http = ReadinessCheck.from(probe, protocol);
    Duration timeout = http.timeout();
    if (probe != null && probe.getExec() != null && engine != null) {
      List<String> cmd = new ArrayList<>();
      cmd.add(engine.executable().toString());
      cmd.add("exec");
      cmd.add(container);
      if (probe.getExec().getCommand() != null) {
        cmd.addAll(probe.getExec().getCommand());
      }
      return new ProbeCheck(http, List.copyOf(cmd), null, timeout);
    }
    if (probe != null && probe.getGrpc() != null) {
      String service = probe.getGrpc().getService() == null ? "" : probe.getGrpc().getService();
      return new ProbeCheck(http, null, service, timeout);
    }
    return new ProbeCheck(http, null, null, timeout);
  }

  /** Whether this check starts a process (exec): such checks are not polled every 2 ms. */
  boolean spawns() {
    return exec != null;
  }

  /**
   * Whether the gateway may probe the instance itself while it starts (an HTTP or TCP check of the
   * serving port is what the gateway makes; an exec or gRPC check is not).
   */
  boolean gatewayCanProbe() {
    return exec == null && grpcService == null;
  }

  /** The exec command run through the engine, for tests. */
  List<String> execCommand() {
    return exec;
  }

  /** Checks the instance on {@code port}, within {@code limit} (and the probe's timeout). */
  Result check(int port, Duration limit) {
    Duration bound = limit.compareTo(timeout) < 0 ? limit : timeout;
    if (exec != null) {
      return exec(timeout.plus(ENGINE_ALLOWANCE));
    }
    if (grpcService != null) {
      int millis = (int) Math.max(1, bound.toMillis());
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), millis);
        socket.setSoTimeout(millis);
        boolean serving = H2cGet.grpcServing(socket, grpcService, port);
        return new Result(serving, serving ? "" : "gRPC health: not SERVING");
      } catch (IOException e) {
        return new Result(false, "gRPC health: " + e.getMessage());
      }
    }
    boolean ok = http.check(port, bound);
    return new Result(
        ok,
        ok ? "" : (http.httpPath() == null ? "TCP connect" : "GET " + http.httpPath()) + " failed");
  }

  private Result exec(Duration timeout) {
    try {
      Process p =
          new ProcessBuilder(exec)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(
            false,
            "exec timed out after "
                + timeout.minus(ENGINE_ALLOWANCE).toSeconds()
                + "s (and "
                + ENGINE_ALLOWANCE.toSeconds()
                + "s for the engine)");
      }
      int code = p.exitValue();
      return new Result(code == 0, code == 0 ? "" : "exec exited with code " + code);
    } catch (IOException e) {
      return new Result(false, "exec: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, "exec interrupted");
    }
  }
}
