package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.spi.Protocol;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One readiness check of an instance: an HTTP GET of the probe's path (2xx/3xx is ready), or a TCP
 * connect. The GET is HTTP/1.1, or HTTP/2 with prior knowledge for an instance whose port is named
 * {@code h2c} (which may speak nothing else, like a gRPC server): see {@link H2cGet}. Blocking but
 * bounded by the timeouts given; runs on the runtime's scheduler threads.
 */
record ReadinessCheck(
    String httpPath, int periodSeconds, int failureThreshold, Duration timeout, Protocol protocol) {

  static ReadinessCheck from(Probe probe) {
    return from(probe, Protocol.HTTP1);
  }

  static ReadinessCheck from(Probe probe, Protocol protocol) {
    if (probe == null) {
      return new ReadinessCheck(null, 1, 3, Duration.ofSeconds(1), protocol);
    }
    String path =
        probe.getHttpGet() != null
            ? (probe.getHttpGet().getPath() == null ? "/" : probe.getHttpGet().getPath())
            : null;
    return new ReadinessCheck(
        path,
        probe.getPeriodSeconds() == null ? 1 : probe.getPeriodSeconds(),
        probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold(),
        Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds()),
        protocol);
  }

  /** Whether the instance on {@code port} answers, within {@code limit} for connect and read. */
  boolean check(int port, Duration limit) {
    int millis = (int) Math.max(1, Math.min(limit.toMillis(), timeout.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), millis);
      if (httpPath == null) {
        return true;
      }
      socket.setSoTimeout(millis);
      if (protocol == Protocol.H2C) {
        return H2cGet.statusOk(socket, httpPath, port);
      }
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + httpPath
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nUser-Agent: pilotlight-probe\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return statusOk(socket.getInputStream());
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads "HTTP/1.1 200 ..." and accepts 200–399. */
  private static boolean statusOk(InputStream in) throws IOException {
    byte[] buf = new byte[12];
    int n = 0;
    while (n < buf.length) {
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return false;
      }
      n += r;
    }
    String line = new String(buf, StandardCharsets.US_ASCII);
    if (!line.startsWith("HTTP/1.")) {
      return false;
    }
    char c = line.charAt(9);
    return c == '2' || c == '3';
  }
}
