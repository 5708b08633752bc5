package dev.pilotlight.cli;

import dev.pilotlight.activator.ClientLimits;
import dev.pilotlight.api.autoscaling.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The gateway's client timeouts and connection bound ({@link ClientLimits}), shared by {@code
 * local} and {@code activator}: a flag wins; else, on Kubernetes, the key of the same name in
 * ConfigMap {@code config-network}; else the default.
 */
public final class ClientLimitsOptions {
  public static final String HEADER_TIMEOUT = "client-header-timeout";
  public static final String KEEPALIVE_TIMEOUT = "client-keepalive-timeout";
  public static final String BODY_TIMEOUT = "client-body-timeout";
  public static final String HTTP2_IDLE_TIMEOUT = "client-http2-idle-timeout";
  public static final String MAX_CONNECTIONS = "max-client-connections";

  @Option(
      names = "--" + HEADER_TIMEOUT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Time a client has to send a whole request head, from its first byte (from the accept"
              + " for a connection's first request); then 408 and close (default: 30s).")
  Duration headerTimeout;

  @Option(
      names = "--" + KEEPALIVE_TIMEOUT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Time a keep-alive connection may wait for its next request before it is closed"
              + " (default: 75s).")
  Duration keepAliveTimeout;

  @Option(
      names = "--" + BODY_TIMEOUT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Time a request body may stall (the gateway waits for bytes and none come); then 408"
              + " and close. Holding and a slow instance do not count (default: 60s).")
  Duration bodyTimeout;

  @Option(
      names = "--" + HTTP2_IDLE_TIMEOUT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Time an HTTP/2 connection may have no open stream before GOAWAY and close"
              + " (default: 75s).")
  Duration http2IdleTimeout;

  @Option(
      names = "--" + MAX_CONNECTIONS,
      paramLabel = "N",
      description =
          "Client connections open at once; at the bound the gateway stops accepting until one"
              + " closes (default: 0 = half the process's open-files limit, less 128).")
  Integer maxConnections;

  /** The limits from the flags alone (local mode). */
  public ClientLimits resolve(CommandLine.Model.CommandSpec spec) {
    return resolve(spec, Map.of(), "");
  }

  /**
   * The limits: flags, else {@code config}'s keys, else the defaults.
   *
   * @param config a ConfigMap's data (keys as the flags' names without dashes)
   * @param source where {@code config} came from, for errors (e.g. {@code ConfigMap
   *     pilotlight-system/config-network})
   * @throws CommandLine.ParameterException naming the flag or the key and the rule
   */
  public ClientLimits resolve(
      CommandLine.Model.CommandSpec spec, Map<String, String> config, String source) {
    ClientLimits d = ClientLimits.defaults();
    try {
      return new ClientLimits(
          pick(headerTimeout, config, HEADER_TIMEOUT, source, d.headerTimeout()),
          pick(keepAliveTimeout, config, KEEPALIVE_TIMEOUT, source, d.keepAliveTimeout()),
          pick(bodyTimeout, config, BODY_TIMEOUT, source, d.bodyTimeout()),
          pick(http2IdleTimeout, config, HTTP2_IDLE_TIMEOUT, source, d.http2IdleTimeout()),
          maxConnections(config, source));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private int maxConnections(Map<String, String> config, String source) {
    if (maxConnections != null) {
      return positiveOrZero("--" + MAX_CONNECTIONS, maxConnections);
    }
    String v = config.get(MAX_CONNECTIONS);
    if (v == null || v.isBlank()) {
      return 0;
    }
    String where = MAX_CONNECTIONS + " in " + source;
    try {
      return positiveOrZero(where, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where + ": \"" + v + "\" is not a whole number (0 = derived from the open-files limit)");
    }
  }

  private static int positiveOrZero(String where, int n) {
    if (n < 0) {
      throw new IllegalArgumentException(
          where + ": must be 0 (derived from the open-files limit) or positive, was " + n);
    }
    return n;
  }

  private static Duration pick(
      Duration flag, Map<String, String> config, String key, String source, Duration dflt) {
    Function<Duration, Duration> positive =
        d -> {
          if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(
                (flag != null ? "--" + key : key + " in " + source)
                    + ": must be positive, was "
                    + d.toMillis()
                    + "ms");
          }
          return d;
        };
    if (flag != null) {
      return positive.apply(flag);
    }
    String v = config.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return positive.apply(Durations.parse(v.trim()));
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains("must be positive")) {
        throw e;
      }
      throw new IllegalArgumentException(
          key + " in " + source + ": \"" + v + "\" is not a duration (expected: e.g. 30s, 1m30s)");
    }
  }
}
