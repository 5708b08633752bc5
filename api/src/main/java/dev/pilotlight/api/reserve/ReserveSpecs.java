package dev.pilotlight.api.reserve;

import static dev.pilotlight.api.reserve.ReserveAnnotations.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a revision's {@link ReserveSpec} from its {@code pilotlight.dev/reserve-*} annotations, as
 * a pure function, with a violation per bad value that states the value and the rule. Field names
 * are {@code annotations[key]}; callers prefix them with the path of the annotations map.
 *
 * <p>Formats: {@code reserve-resources} is {@code cpu=QUANTITY,memory=QUANTITY} (either or both);
 * {@code reserve-node-selector} is {@code KEY=VALUE} pairs separated by commas; {@code
 * reserve-tolerations} is {@code KEY[=VALUE][:EFFECT]} items separated by commas, as {@code kubectl
 * taint} writes taints; {@code reserve-pod-annotations} is a JSON object of strings, since
 * annotation values may hold commas.
 */
public final class ReserveSpecs {
  static final int MAX_CONTAINER_CONCURRENCY = 1000;
  static final int MAX_POD_ANNOTATIONS_CHARS = 64 * 1024;

  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final String KEY_RULE =
      "[prefix/]name, name 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, prefix a DNS subdomain";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReserveSpecs() {}

  /** Every violation in the reserve annotations, empty when valid (or when none is set). */
  public static List<Violation> validate(
      Map<String, String> annotations, int revisionContainerConcurrency) {
    List<Violation> v = new ArrayList<>();
    parse(annotations, revisionContainerConcurrency, v);
    return v;
  }

  /**
   * The reserve spec, empty when the pilot light is off; throws {@link ValidationException} on a
   * bad value.
   */
  public static Optional<ReserveSpec> resolve(
      Map<String, String> annotations, int revisionContainerConcurrency) {
    List<Violation> v = new ArrayList<>();
    Optional<ReserveSpec> spec = parse(annotations, revisionContainerConcurrency, v);
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return spec;
  }

  /** The spec from what is valid, ignoring bad values (reported by {@link #validate}). */
  public static Optional<ReserveSpec> lenient(
      Map<String, String> annotations, int revisionContainerConcurrency) {
    return parse(annotations, revisionContainerConcurrency, new ArrayList<>());
  }

  /** The annotation field path of {@code key}. */
  public static String field(String key) {
    return "annotations[" + key + "]";
  }

  private static Optional<ReserveSpec> parse(
      Map<String, String> a, int revisionConcurrency, List<Violation> v) {
    List<String> others = new ArrayList<>();
    for (String key : a.keySet()) {
      if (!key.startsWith(PREFIX)) {
        continue;
      }
      if (!ALL.contains(key)) {
        v.add(
            new Violation(
                field(key),
                "unknown pilot-light annotation (expected: one of "
                    + String.join(", ", ALL)
                    + ")"));
      } else if (!key.equals(INSTANCE)) {
        others.add(key);
      }
    }
    Boolean enabled = enabled(a.get(INSTANCE), v);
    if (a.get(INSTANCE) == null && !others.isEmpty()) {
      others.sort(null);
      v.add(
          new Violation(
              field(INSTANCE),
              "not set while "
                  + String.join(", ", others)
                  + (others.size() == 1 ? " is" : " are")
                  + " (expected: \"true\" to keep a reserve instance, or \"false\")"));
    }
    int concurrency =
        integer(
            a,
            CONTAINER_CONCURRENCY,
            revisionConcurrency,
            MAX_CONTAINER_CONCURRENCY,
            "integer 0.." + MAX_CONTAINER_CONCURRENCY + ", 0 = unlimited",
            v);
    int servesUpTo = integer(a, SERVES_UP_TO, 0, Integer.MAX_VALUE, "integer >= 0", v);
    if (concurrency > 0 && servesUpTo > concurrency) {
      v.add(
          new Violation(
              field(SERVES_UP_TO),
              "\""
                  + a.get(SERVES_UP_TO)
                  + "\" (expected: 0.."
                  + concurrency
                  + ", at most the reserve's concurrency limit)"));
      servesUpTo = concurrency;
    }
    ReserveResources resources = resources(a.get(RESOURCES), v);
    Map<String, String> nodeSelector = nodeSelector(a.get(NODE_SELECTOR), v);
    List<Toleration> tolerations = tolerations(a.get(TOLERATIONS), v);
    Map<String, String> podAnnotations = podAnnotations(a.get(POD_ANNOTATIONS), v);
    if (!Boolean.TRUE.equals(enabled)) {
      return Optional.empty();
    }
    return Optional.of(
        new ReserveSpec(
            concurrency, servesUpTo, resources, nodeSelector, tolerations, podAnnotations));
  }

  private static Boolean enabled(String s, List<Violation> v) {
    if (s == null) {
      return null;
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        v.add(new Violation(field(INSTANCE), quote(s) + " (expected: \"true\" or \"false\")"));
        yield null;
      }
    };
  }

  private static int integer(
      Map<String, String> a, String key, int def, int max, String expected, List<Violation> v) {
    String s = a.get(key);
    if (s == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 0 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    v.add(new Violation(field(key), quote(s) + " (expected: " + expected + ")"));
    return def;
  }

  private static ReserveResources resources(String s, List<Violation> v) {
    if (s == null || s.isBlank()) {
      return ReserveResources.NONE;
    }
    String cpu = null;
    String memory = null;
    long millicores = 0;
    long bytes = 0;
    for (String item : s.split(",", -1)) {
      String pair = item.trim();
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        v.add(
            new Violation(
                field(RESOURCES),
                quote(pair)
                    + " (expected: NAME=QUANTITY pairs separated by commas, e.g. cpu=250m,memory=256Mi)"));
        continue;
      }
      String name = pair.substring(0, eq).trim();
      String quantity = pair.substring(eq + 1).trim();
      switch (name) {
        case "cpu" -> {
          if (cpu != null) {
            v.add(twice(RESOURCES, name));
          }
          millicores = quantity(quantity, 1000);
          if (millicores < 0) {
            v.add(
                new Violation(
                    field(RESOURCES),
                    quote(pair)
                        + " (expected: cpu as a Kubernetes quantity of at least 1m, e.g. 250m or 0.5)"));
          } else {
            cpu = quantity;
          }
        }
        case "memory" -> {
          if (memory != null) {
            v.add(twice(RESOURCES, name));
          }
          bytes = quantity(quantity, 1);
          if (bytes < 0) {
            v.add(
                new Violation(
                    field(RESOURCES),
                    quote(pair)
                        + " (expected: memory as a Kubernetes quantity of at least 1 byte, e.g. 256Mi or 1Gi)"));
          } else {
            memory = quantity;
          }
        }
        default ->
            v.add(
                new Violation(
                    field(RESOURCES), quote(pair) + " (expected: resource names cpu, memory)"));
      }
    }
    return new ReserveResources(
        cpu, cpu == null ? 0 : millicores, memory, memory == null ? 0 : bytes);
  }

  /**
   * Base units × {@code factor}, rounded up (fabric8's Kubernetes quantity parser); -1 when not a
   * positive quantity that fits.
   */
  private static long quantity(String text, long factor) {
    try {
      BigDecimal value = Quantity.parse(text).getNumericalAmount();
      return positiveCeil(value, factor);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return -1;
    }
  }

  /** {@code value} × {@code factor} rounded up; -1 when not positive or beyond a long. */
  private static long positiveCeil(BigDecimal value, long factor) {
    BigDecimal scaled =
        value.multiply(BigDecimal.valueOf(factor)).setScale(0, java.math.RoundingMode.CEILING);
    if (scaled.signum() <= 0 || scaled.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return -1;
    }
    return scaled.longValueExact();
  }

  private static Map<String, String> nodeSelector(String s, List<Violation> v) {
    Map<String, String> selector = new LinkedHashMap<>();
    if (s == null || s.isBlank()) {
      return selector;
    }
    for (String item : s.split(",", -1)) {
      String pair = item.trim();
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        v.add(
            new Violation(
                field(NODE_SELECTOR),
                quote(pair)
                    + " (expected: KEY=VALUE pairs separated by commas, e.g. type=virtual-kubelet)"));
        continue;
      }
      String key = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      boolean ok = qualifiedKey(NODE_SELECTOR, key, "a label key", v);
      if (!labelValue(value)) {
        v.add(
            new Violation(
                field(NODE_SELECTOR),
                quote(value)
                    + " (expected: a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"));
        ok = false;
      }
      if (ok && selector.put(key, value) != null) {
        v.add(twice(NODE_SELECTOR, key));
      }
    }
    return selector;
  }

  private static List<Toleration> tolerations(String s, List<Violation> v) {
    List<Toleration> tolerations = new ArrayList<>();
    if (s == null || s.isBlank()) {
      return tolerations;
    }
    for (String raw : s.split(",", -1)) {
      String item = raw.trim();
      String effect = null;
      int colon = item.lastIndexOf(':');
      String keyValue = item;
      if (colon >= 0) {
        effect = item.substring(colon + 1).trim();
        keyValue = item.substring(0, colon).trim();
      }
      int eq = keyValue.indexOf('=');
      String key = eq < 0 ? keyValue : keyValue.substring(0, eq).trim();
      String value = eq < 0 ? null : keyValue.substring(eq + 1).trim();
      if (key.isEmpty() || (effect != null && !EFFECTS.contains(effect))) {
        v.add(
            new Violation(
                field(TOLERATIONS),
                quote(item)
                    + " (expected: KEY[=VALUE][:EFFECT] separated by commas, EFFECT one of NoSchedule, PreferNoSchedule, NoExecute, e.g. virtual-kubelet.io/provider:NoSchedule)"));
        continue;
      }
      boolean ok = qualifiedKey(TOLERATIONS, key, "a taint key", v);
      if (value != null && !labelValue(value)) {
        v.add(
            new Violation(
                field(TOLERATIONS),
                quote(value)
                    + " (expected: a taint value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"));
        ok = false;
      }
      if (ok) {
        tolerations.add(
            new Toleration(
                key, value == null ? Toleration.EXISTS : Toleration.EQUAL, value, effect));
      }
    }
    return tolerations;
  }

  private static Map<String, String> podAnnotations(String s, List<Violation> v) {
    Map<String, String> annotations = new LinkedHashMap<>();
    if (s == null || s.isBlank()) {
      return annotations;
    }
    if (s.length() > MAX_POD_ANNOTATIONS_CHARS) {
      v.add(
          new Violation(
              field(POD_ANNOTATIONS),
              s.length() + " characters (expected: at most " + MAX_POD_ANNOTATIONS_CHARS + ")"));
      return annotations;
    }
    JsonNode node;
    try {
      node = JSON.readTree(s);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      v.add(
          new Violation(
              field(POD_ANNOTATIONS),
              quote(abbreviate(s))
                  + " (expected: a JSON object of string values, e.g. {\"k8s.aliyun.com/eci-use-specs\": \"2-4Gi\"})"));
      return annotations;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      boolean ok = qualifiedKey(POD_ANNOTATIONS, e.getKey(), "an annotation key", v);
      if (!e.getValue().isTextual()) {
        v.add(
            new Violation(
                field(POD_ANNOTATIONS),
                quote(e.getKey())
                    + " has "
                    + abbreviate(e.getValue().toString())
                    + " (expected: a string value)"));
        ok = false;
      }
      if (ok) {
        annotations.put(e.getKey(), e.getValue().textValue());
      }
    }
    return annotations;
  }

  /** Kubernetes' qualified names, as label, taint and annotation keys are. */
  private static boolean qualifiedKey(
      String annotation, String key, String what, List<Violation> v) {
    int slash = key.indexOf('/');
    String prefix = slash < 0 ? null : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    boolean ok =
        name.length() <= 63
            && NAME.matcher(name).matches()
            && (prefix == null
                || (prefix.length() <= 253 && DNS_SUBDOMAIN.matcher(prefix).matches()));
    if (!ok) {
      v.add(
          new Violation(
              field(annotation), quote(key) + " (expected: " + what + ": " + KEY_RULE + ")"));
    }
    return ok;
  }

  private static boolean labelValue(String value) {
    return value.isEmpty() || (value.length() <= 63 && NAME.matcher(value).matches());
  }

  private static Violation twice(String annotation, String name) {
    return new Violation(
        field(annotation), quote(name) + " is given twice (expected: each at most once)");
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
