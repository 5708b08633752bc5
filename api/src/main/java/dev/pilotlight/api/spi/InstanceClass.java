package dev.pilotlight.api.spi;

/** Standard instances run at the desired scale; the reserve is the pilot light. */
public enum InstanceClass {
  STANDARD,
  RESERVE;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
