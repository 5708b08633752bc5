package dev.pilotlight.api.config;

import dev.pilotlight.api.validation.ValidationException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The config-features and config-defaults in force while a component runs, as their sources change;
 * the counterpart of {@link dev.pilotlight.api.autoscaling.LiveAutoscalerConfig}. A change that
 * does not validate is refused and the last good config of that source stays in force; the refusal
 * is reported once (the same problem offered again is not reported again, a different one is). A
 * source that becomes valid again clears its refusal. The shells (ConfigMap informers on
 * Kubernetes, a file poll locally) offer; the consumers read {@link #current()} (validation, the
 * stamping of new revisions) or act on an {@link Offer#applied()} change. Thread-safe.
 */
public final class LiveServingConfig {
  public static final String FEATURES = KnativeConfigs.FEATURES;
  public static final String DEFAULTS = KnativeConfigs.DEFAULTS_NAME;

  /**
   * What an offer did.
   *
   * @param config the config in force after it
   * @param applied the config in force changed
   * @param refusal the problems of a refused offer, reported here the first time only; null when
   *     accepted or already reported
   */
  public record Offer(ServingConfig config, boolean applied, String refusal) {}

  private volatile ServingConfig current;
  private final Map<String, String> refused = new HashMap<>();

  public LiveServingConfig(ServingConfig initial) {
    this.current = Objects.requireNonNull(initial);
  }

  /** The config in force. */
  public ServingConfig current() {
    return current;
  }

  /**
   * Offers a new config-features.
   *
   * @param source where it came from, for the refusal (a ConfigMap or file name)
   * @param parse reads and validates it; a {@link ValidationException} (or any other exception, say
   *     an unreadable file) refuses it
   */
  public synchronized Offer features(String source, Callable<Features> parse) {
    return offer(FEATURES, source, parse, f -> new ServingConfig(f, current.defaults()));
  }

  /** Offers a new config-defaults; as {@link #features}. */
  public synchronized Offer defaults(String source, Callable<ServingDefaults> parse) {
    return offer(DEFAULTS, source, parse, d -> new ServingConfig(current.features(), d));
  }

  /** Whether the last offer of {@code configMap} was refused (its last good config in force). */
  public synchronized boolean refused(String configMap) {
    return refused.containsKey(configMap);
  }

  private <T> Offer offer(
      String configMap, String source, Callable<T> parse, Function<T, ServingConfig> with) {
    T parsed;
    try {
      parsed = Objects.requireNonNull(parse.call());
    } catch (Exception e) {
      String message =
          (e instanceof ValidationException ? "" : source + ": ")
              + (e.getMessage() == null ? e.toString() : e.getMessage());
      String before = refused.put(configMap, message);
      return new Offer(current, false, message.equals(before) ? null : message);
    }
    refused.remove(configMap);
    ServingConfig next = with.apply(parsed);
    boolean applied = !next.equals(current);
    current = next;
    return new Offer(next, applied, null);
  }
}
