package dev.pilotlight.api.naming;

/** Knative's naming rules, as pure functions. */
public final class Names {
  private Names() {}

  /** {@code hello}, 1 → {@code hello-00001}. */
  public static String revision(String configuration, long generation) {
    return String.format("%s-%05d", configuration, generation);
  }

  /** {@code <route>.<namespace>.<domain>}. */
  public static String host(String route, String namespace, String domain) {
    return route + "." + namespace + "." + domain;
  }

  /** {@code <tag>-<route>.<namespace>.<domain>}. */
  public static String tagHost(String tag, String route, String namespace, String domain) {
    return tag + "-" + route + "." + namespace + "." + domain;
  }

  /** {@code http://host} plus {@code :port} unless port is 80 or ≤ 0. */
  public static String url(String host, int port) {
    return "http://" + host + (port == 80 || port <= 0 ? "" : ":" + port);
  }

  /** RFC 1123 label: 1–63 of [a-z0-9-], starting and ending alphanumeric. */
  public static boolean isDnsLabel(String s) {
    return s != null && s.length() <= 63 && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }
}
