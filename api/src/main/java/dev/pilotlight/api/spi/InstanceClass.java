package dev.pilotlight.api.spi;

/** Standard instances run at the desired scale; the reserve is the pilot light. */
public enum InstanceClass {
  STANDARD,
  RESERVE;

  private final String label = name().toLowerCase(java.util.Locale.ROOT);

  public String label() {
    return label; // (per proxied request, in a response header and a metric label)
  }
}
