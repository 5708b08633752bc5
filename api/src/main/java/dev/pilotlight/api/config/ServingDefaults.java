package dev.pilotlight.api.config;

import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Knative's {@code config-defaults}: what a revision gets where its template says nothing, and the
 * bounds of what it may say.
 *
 * @param revisionTimeoutSeconds {@code timeoutSeconds} when unset (300)
 * @param maxRevisionTimeoutSeconds the largest {@code timeoutSeconds} (600)
 * @param responseStartTimeoutSeconds {@code responseStartTimeoutSeconds} when unset (the timeout)
 * @param idleTimeoutSeconds {@code idleTimeoutSeconds} when unset, 0 = none
 * @param containerConcurrency {@code containerConcurrency} when unset, 0 = unlimited
 * @param containerConcurrencyMaxLimit the largest {@code containerConcurrency} (1000)
 * @param allowContainerConcurrencyZero whether {@code containerConcurrency: 0} is allowed
 * @param enableServiceLinks the pod's {@code enableServiceLinks} when unset (false)
 * @param resources default requests and limits of the serving container, by Knative key ({@code
 *     revision-cpu-request}, ...): only those the container does not set itself
 * @param userContainerName the serving container's name when unset ({@code user-container})
 * @param initContainerName an init container's name when unset ({@code init-container})
 */
public record ServingDefaults(
    long revisionTimeoutSeconds,
    long maxRevisionTimeoutSeconds,
    long responseStartTimeoutSeconds,
    long idleTimeoutSeconds,
    long containerConcurrency,
    long containerConcurrencyMaxLimit,
    boolean allowContainerConcurrencyZero,
    Boolean enableServiceLinks,
    Map<String, Quantity> resources,
    String userContainerName,
    String initContainerName) {

  public static final ServingDefaults DEFAULTS =
      new ServingDefaults(
          300, 600, 300, 0, 0, 1000, true, false, Map.of(), "user-container", "init-container");

  private static final Set<String> RESOURCE_KEYS =
      Set.of(
          "revision-cpu-request",
          "revision-memory-request",
          "revision-ephemeral-storage-request",
          "revision-cpu-limit",
          "revision-memory-limit",
          "revision-ephemeral-storage-limit");

  public ServingDefaults {
    resources = Map.copyOf(resources);
  }

  /**
   * A new revision's spec with these defaults where its template leaves them unset, as Knative's
   * defaulting webhook sets them when the revision is created: {@code timeoutSeconds} when unset or
   * 0; {@code containerConcurrency} when unset; {@code responseStartTimeoutSeconds} and {@code
   * idleTimeoutSeconds} when unset and their default is neither 0 nor as long as the revision's
   * timeout (a default equal to the timeout adds nothing). Applied once, when the revision is
   * stamped: a revision keeps the values it was created with when config-defaults changes later.
   */
  public RevisionSpec applyTo(RevisionSpec spec) {
    long timeout =
        spec.timeoutSeconds() == null || spec.timeoutSeconds() == 0
            ? revisionTimeoutSeconds
            : spec.timeoutSeconds();
    return new RevisionSpec(
        spec.podSpec(),
        spec.containerConcurrency() == null ? containerConcurrency : spec.containerConcurrency(),
        timeout,
        spec.responseStartTimeoutSeconds() == null
            ? belowTimeout(responseStartTimeoutSeconds, timeout)
            : spec.responseStartTimeoutSeconds(),
        spec.idleTimeoutSeconds() == null
            ? belowTimeout(idleTimeoutSeconds, timeout)
            : spec.idleTimeoutSeconds());
  }

  /** A timeout default, when it is set (not 0) and shorter than the revision's timeout. */
  private static Long belowTimeout(long defaultSeconds, long timeout) {
    return defaultSeconds != 0 && defaultSeconds < timeout ? defaultSeconds : null;
  }

  /**
   * The defaults of a config-defaults ConfigMap's {@code data}, with Knative's bounds; unknown keys
   * are refused ({@code _example} ignored). Container name templates are taken literally: a
   * template with {@code {{...}}} is refused (Go templates are not evaluated here).
   */
  public static ServingDefaults fromData(Map<String, String> data) {
    List<Violation> v = new ArrayList<>();
    ServingDefaults d = DEFAULTS;
    for (String key : data.keySet()) {
      if (!key.equals("_example")
          && !RESOURCE_KEYS.contains(key)
          && !Set.of(
                  "revision-timeout-seconds",
                  "max-revision-timeout-seconds",
                  "revision-response-start-timeout-seconds",
                  "revision-idle-timeout-seconds",
                  "container-concurrency",
                  "container-concurrency-max-limit",
                  "allow-container-concurrency-zero",
                  "enable-service-links",
                  "container-name-template",
                  "init-container-name-template")
              .contains(key)) {
        v.add(
            new Violation(
                "data." + key, "unknown key (expected: a key of Knative's config-defaults)"));
      }
    }
    long timeout = integer(data, "revision-timeout-seconds", d.revisionTimeoutSeconds, v);
    long max = integer(data, "max-revision-timeout-seconds", d.maxRevisionTimeoutSeconds, v);
    long responseStart = integer(data, "revision-response-start-timeout-seconds", timeout, v);
    long idle = integer(data, "revision-idle-timeout-seconds", d.idleTimeoutSeconds, v);
    long cc = integer(data, "container-concurrency", d.containerConcurrency, v);
    long ccMax =
        integer(data, "container-concurrency-max-limit", d.containerConcurrencyMaxLimit, v);
    boolean allowZero = d.allowContainerConcurrencyZero;
    String az = data.get("allow-container-concurrency-zero");
    if (az != null) {
      switch (az.trim()) {
        case "1", "t", "T", "TRUE", "true", "True" -> allowZero = true;
        case "0", "f", "F", "FALSE", "false", "False" -> allowZero = false;
        default ->
            v.add(
                new Violation(
                    "data.allow-container-concurrency-zero",
                    "\"" + az + "\" (expected: true or false)"));
      }
    }
    Boolean links = d.enableServiceLinks;
    String esl = data.get("enable-service-links");
    if (esl != null) {
      if (esl.trim().equalsIgnoreCase("true")) {
        links = true;
      } else if (esl.trim().equalsIgnoreCase("false")) {
        links = false;
      } else if (esl.trim().equalsIgnoreCase("default")) {
        links = null; // Knative: leave it to Kubernetes
      } else {
        v.add(
            new Violation(
                "data.enable-service-links", "\"" + esl + "\" (expected: true, false or default)"));
      }
    }
    Map<String, Quantity> resources = new LinkedHashMap<>();
    for (String key : RESOURCE_KEYS) {
      String q = data.get(key);
      if (q == null) {
        continue;
      }
      try {
        Quantity parsed = new Quantity(q.trim());
        Quantity.getAmountInBytes(parsed);
        resources.put(key, parsed);
      } catch (IllegalArgumentException | ArithmeticException e) {
        v.add(new Violation("data." + key, "\"" + q + "\" (expected: a quantity, e.g. 400m)"));
      }
    }
    String user = name(data, "container-name-template", d.userContainerName, v);
    String init = name(data, "init-container-name-template", d.initContainerName, v);
    if (timeout > max) {
      v.add(
          new Violation(
              "data.revision-timeout-seconds",
              timeout + " (expected: at most max-revision-timeout-seconds " + max + ")"));
    }
    if (responseStart > 0 && responseStart > timeout) {
      v.add(
          new Violation(
              "data.revision-response-start-timeout-seconds",
              responseStart + " (expected: at most revision-timeout-seconds " + timeout + ")"));
    }
    if (idle > 0 && idle > timeout) {
      v.add(
          new Violation(
              "data.revision-idle-timeout-seconds",
              idle + " (expected: at most revision-timeout-seconds " + timeout + ")"));
    }
    if (ccMax < 1) {
      v.add(new Violation("data.container-concurrency-max-limit", ccMax + " (expected: >= 1)"));
    } else if (cc < 0 || cc > ccMax) {
      v.add(
          new Violation(
              "data.container-concurrency",
              cc + " (expected: 0.." + ccMax + ", container-concurrency-max-limit)"));
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return new ServingDefaults(
        timeout, max, responseStart, idle, cc, ccMax, allowZero, links, resources, user, init);
  }

  private static long integer(Map<String, String> data, String key, long def, List<Violation> v) {
    String s = data.get(key);
    if (s == null) {
      return def;
    }
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      v.add(new Violation("data." + key, "\"" + s + "\" (expected: an integer)"));
      return def;
    }
  }

  private static String name(Map<String, String> data, String key, String def, List<Violation> v) {
    String s = data.get(key);
    if (s == null) {
      return def;
    }
    if (s.contains("{{")) {
      v.add(
          new Violation(
              "data." + key,
              "\""
                  + s
                  + "\" (expected: a plain container name; Go templates are not evaluated here)"));
      return def;
    }
    if (!s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || s.length() > 63) {
      v.add(new Violation("data." + key, "\"" + s + "\" (expected: a DNS label)"));
      return def;
    }
    return s;
  }
}
