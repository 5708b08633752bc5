package dev.pilotlight.api.config;

import java.util.Locale;

/** A value of Knative's config-features: a feature on, allowed (per resource), or off. */
public enum Flag {
  ENABLED,
  ALLOWED,
  DISABLED;

  /** Knative's {@code asFlag}: case-insensitive; null when the text is none of the three. */
  public static Flag parse(String text) {
    if (text == null) {
      return null;
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "enabled" -> ENABLED;
      case "allowed" -> ALLOWED;
      case "disabled" -> DISABLED;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
