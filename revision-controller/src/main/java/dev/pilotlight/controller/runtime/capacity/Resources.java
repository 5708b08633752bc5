package dev.pilotlight.controller.runtime.capacity;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An amount of CPU and memory: a node's allocatable, an instance's requests, what is free.
 *
 * @param cpuMillicores thousandths of a core
 * @param memoryBytes bytes
 */
public record Resources(long cpuMillicores, long memoryBytes) {
  public static final Resources ZERO = new Resources(0, 0);

  private static final long KI = 1024L;
  private static final long MI = KI * 1024;
  private static final long GI = MI * 1024;
  private static final long TI = GI * 1024;

  public Resources {
    if (cpuMillicores < 0 || memoryBytes < 0) {
      throw new IllegalArgumentException(
          "negative resources: cpu " + cpuMillicores + "m, memory " + memoryBytes);
    }
  }

  public Resources plus(Resources o) {
    return new Resources(
        Math.addExact(cpuMillicores, o.cpuMillicores), Math.addExact(memoryBytes, o.memoryBytes));
  }

  /** This less {@code o}, each at least 0. */
  public Resources minus(Resources o) {
    return new Resources(
        Math.max(0, cpuMillicores - o.cpuMillicores), Math.max(0, memoryBytes - o.memoryBytes));
  }

  /** Whether this fits in {@code free}: no resource more than it. */
  public boolean fitsIn(Resources free) {
    return cpuMillicores <= free.cpuMillicores && memoryBytes <= free.memoryBytes;
  }

  /** The CPU as Kubernetes writes millicores: {@code 500m}, {@code 2000m}. */
  public String cpu() {
    return cpuMillicores + "m";
  }

  /**
   * The memory as a Kubernetes quantity, in the largest binary unit it is a whole multiple of
   * ({@code 256Mi}, {@code 1Gi}), else in whole Mi rounded down ({@code 23104Mi}) from 1Mi, else
   * bytes.
   */
  public String memory() {
    return memory(memoryBytes);
  }

  static String memory(long bytes) {
    if (bytes == 0) {
      return "0";
    }
    for (long unit : new long[] {TI, GI, MI, KI}) {
      if (bytes % unit == 0) {
        return bytes / unit + suffix(unit);
      }
    }
    return bytes >= MI ? bytes / MI + "Mi" : Long.toString(bytes);
  }

  private static String suffix(long unit) {
    return unit == TI ? "Ti" : unit == GI ? "Gi" : unit == MI ? "Mi" : "Ki";
  }

  /** As the options write it: {@code cpu=500m,memory=256Mi}. */
  @Override
  public String toString() {
    return "cpu=" + cpu() + ",memory=" + memory();
  }

  /**
   * Parses {@code cpu=QUANTITY,memory=QUANTITY} (either or both, Kubernetes quantities: {@code 2},
   * {@code 1500m}, {@code 0.5}; {@code 512Mi}, {@code 4Gi}, {@code 1G}); a resource not named keeps
   * its value in {@code defaults}. Fractions are rounded up (to 1m, to a byte).
   *
   * @param option the option's name, for the error ({@code --capacity})
   * @param positive whether each amount must be above zero (a node's capacity), else at least zero
   *     (a request)
   * @throws IllegalArgumentException naming the option, the bad part and the rule
   */
  public static Resources parse(String option, String text, Resources defaults, boolean positive) {
    String example = positive ? "cpu=2,memory=4Gi" : "cpu=500m,memory=256Mi";
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          option
              + ": empty (expected: NAME=QUANTITY pairs separated by commas, e.g. "
              + example
              + ")");
    }
    Long cpu = null;
    Long memory = null;
    String least = positive ? "above 0" : "at least 0";
    for (String item : text.split(",", -1)) {
      String pair = item.trim();
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            option
                + ": \""
                + pair
                + "\" (expected: NAME=QUANTITY pairs separated by commas, e.g. "
                + example
                + ")");
      }
      String name = pair.substring(0, eq).trim();
      String quantity = pair.substring(eq + 1).trim();
      switch (name) {
        case "cpu" -> {
          if (cpu != null) {
            throw new IllegalArgumentException(option + ": cpu given twice in \"" + text + "\"");
          }
          cpu = amount(quantity, 1000, positive);
          if (cpu == null) {
            throw new IllegalArgumentException(
                option
                    + ": \""
                    + pair
                    + "\" (expected: cpu as a Kubernetes quantity "
                    + least
                    + ", e.g. 2, 1500m or 0.5)");
          }
        }
        case "memory" -> {
          if (memory != null) {
            throw new IllegalArgumentException(option + ": memory given twice in \"" + text + "\"");
          }
          memory = amount(quantity, 1, positive);
          if (memory == null) {
            throw new IllegalArgumentException(
                option
                    + ": \""
                    + pair
                    + "\" (expected: memory as a Kubernetes quantity "
                    + least
                    + ", e.g. 256Mi, 4Gi or 1G)");
          }
        }
        default ->
            throw new IllegalArgumentException(
                option + ": \"" + pair + "\" (expected: resource names cpu, memory)");
      }
    }
    return new Resources(
        cpu == null ? defaults.cpuMillicores : cpu, memory == null ? defaults.memoryBytes : memory);
  }

  /** A quantity's base units × {@code factor}, rounded up; null when not one or out of range. */
  static Long amount(String text, long factor, boolean positive) {
    BigDecimal value;
    try {
      value = Quantity.getAmountInBytes(new Quantity(text));
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null;
    }
    return scaled(value, factor, positive);
  }

  /** {@code value} × {@code factor} rounded up; null when negative (or 0 and positive) or huge. */
  static Long scaled(BigDecimal value, long factor, boolean positive) {
    BigDecimal scaled =
        value.multiply(BigDecimal.valueOf(factor)).setScale(0, RoundingMode.CEILING);
    if (scaled.signum() < 0
        || (positive && scaled.signum() == 0)
        || scaled.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 4)) > 0) {
      return null;
    }
    return scaled.longValueExact();
  }
}
