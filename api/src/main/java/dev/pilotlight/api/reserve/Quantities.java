package dev.pilotlight.api.reserve;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 250m}, {@code 0.5}, {@code 256Mi}, {@code 1G}, {@code
 * 1e3}) as exact numbers of base units (cores, bytes).
 */
final class Quantities {
  // a number, then a binary suffix, an exponent, or a decimal suffix (exponent before exa "E")
  private static final Pattern QUANTITY =
      Pattern.compile(
          "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]{1,3}|[numkMGTPE])?");
  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("", BigDecimal.ONE),
          Map.entry("n", new BigDecimal("1e-9")),
          Map.entry("u", new BigDecimal("1e-6")),
          Map.entry("m", new BigDecimal("1e-3")),
          Map.entry("k", new BigDecimal("1e3")),
          Map.entry("M", new BigDecimal("1e6")),
          Map.entry("G", new BigDecimal("1e9")),
          Map.entry("T", new BigDecimal("1e12")),
          Map.entry("P", new BigDecimal("1e15")),
          Map.entry("E", new BigDecimal("1e18")),
          Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
          Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
          Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
          Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
          Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
          Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

  private Quantities() {}

  /**
   * {@code text} in base units; throws {@link IllegalArgumentException} when it is not a quantity.
   */
  static BigDecimal parse(String text) {
    Matcher m = QUANTITY.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a quantity: " + text);
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2) == null ? "" : m.group(2);
    if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
      return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    }
    return number.multiply(SUFFIXES.get(suffix));
  }

  /**
   * {@code value} × {@code factor}, rounded up to a whole number; -1 when not positive or beyond a
   * long.
   */
  static long positiveCeil(BigDecimal value, long factor) {
    BigDecimal scaled =
        value.multiply(BigDecimal.valueOf(factor)).setScale(0, RoundingMode.CEILING);
    if (scaled.signum() <= 0 || scaled.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return -1;
    }
    return scaled.longValueExact();
  }
}
