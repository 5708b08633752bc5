package dev.pilotlight.api.autoscaling;

import dev.pilotlight.api.validation.ValidationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The autoscaling config in force while a component runs, from its two sources as they change:
 * Knative's {@code config-autoscaler} (every key but the progress deadline) and {@code
 * config-deployment} (the progress deadline). A change that does not validate is refused and the
 * last good config of that source stays in force; the refusal is reported once (the same problem
 * offered again is not reported again, a different one is). A source that becomes valid again
 * clears its refusal. Command-line overrides (say {@code --scale-to-zero-grace}) are applied over
 * every config. The shells (a ConfigMap informer on Kubernetes, a file poll locally) offer; the
 * consumers read {@link #current()} or act on an {@link Offer#applied()} change. Thread-safe.
 */
public final class LiveAutoscalerConfig {
  /** Names of the two sources, as Knative's ConfigMaps are named. */
  public static final String AUTOSCALER = "config-autoscaler";

  public static final String DEPLOYMENT = DeploymentConfigs.CONFIG_MAP;

  /**
   * What an offer did.
   *
   * @param config the config in force after it
   * @param applied the config in force changed
   * @param refusal the problems of a refused offer, reported here the first time only; null when
   *     accepted or already reported
   */
  public record Offer(AutoscalerConfig config, boolean applied, String refusal) {}

  private final UnaryOperator<AutoscalerConfig> overrides;
  private AutoscalerConfig autoscaler;
  private Duration progressDeadline;
  private volatile AutoscalerConfig current;
  private final Map<String, String> refused = new HashMap<>();

  /**
   * @param autoscaler config-autoscaler as read at startup
   * @param progressDeadline config-deployment's progress deadline as read at startup
   * @param overrides applied over every config (the identity when there are none)
   */
  public LiveAutoscalerConfig(
      AutoscalerConfig autoscaler,
      Duration progressDeadline,
      UnaryOperator<AutoscalerConfig> overrides) {
    this.autoscaler = Objects.requireNonNull(autoscaler);
    this.progressDeadline = Objects.requireNonNull(progressDeadline);
    this.overrides = overrides;
    this.current = combine();
  }

  /** The config in force. */
  public AutoscalerConfig current() {
    return current;
  }

  /**
   * Offers a new config-autoscaler.
   *
   * @param source where it came from, for the refusal (a ConfigMap or file name)
   * @param parse reads and validates it; a {@link ValidationException} (or any other exception, say
   *     an unreadable file) refuses it
   */
  public synchronized Offer autoscaler(String source, Callable<AutoscalerConfig> parse) {
    return offer(AUTOSCALER, source, parse, parsed -> autoscaler = parsed);
  }

  /** Offers a new config-deployment (its progress deadline); as {@link #autoscaler}. */
  public synchronized Offer deployment(String source, Callable<Duration> parse) {
    return offer(DEPLOYMENT, source, parse, parsed -> progressDeadline = parsed);
  }

  /** Parses one source's offer; keeps it and recombines, or refuses it naming the source. */
  private <T> Offer offer(String configMap, String source, Callable<T> parse, Consumer<T> keep) {
    T parsed;
    try {
      parsed = Objects.requireNonNull(parse.call());
    } catch (Exception e) {
      return refuse(configMap, source, e);
    }
    refused.remove(configMap);
    keep.accept(parsed);
    return recombine();
  }

  /** Whether the last offer of {@code configMap} was refused (its last good config in force). */
  public synchronized boolean refused(String configMap) {
    return refused.containsKey(configMap);
  }

  private Offer refuse(String configMap, String source, Exception e) {
    String message =
        (e instanceof ValidationException ? "" : source + ": ")
            + (e.getMessage() == null ? e.toString() : e.getMessage());
    String before = refused.put(configMap, message);
    return new Offer(current, false, message.equals(before) ? null : message);
  }

  private Offer recombine() {
    AutoscalerConfig next = combine();
    boolean applied = !next.equals(current);
    current = next;
    return new Offer(next, applied, null);
  }

  private AutoscalerConfig combine() {
    return overrides.apply(autoscaler.withProgressDeadline(progressDeadline));
  }
}
