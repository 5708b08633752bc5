package dev.pilotlight.api.reserve;

/**
 * A Kubernetes toleration of the reserve pod, as {@code key[=value][:Effect]} writes it: without a
 * value the operator is {@code Exists}, with one {@code Equal}.
 *
 * @param operator {@code Exists} or {@code Equal}
 * @param value null with {@code Exists}
 * @param effect {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}; null for every
 *     effect
 */
public record Toleration(String key, String operator, String value, String effect) {
  public static final String EXISTS = "Exists";
  public static final String EQUAL = "Equal";
}
