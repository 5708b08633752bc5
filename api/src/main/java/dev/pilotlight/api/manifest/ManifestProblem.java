package dev.pilotlight.api.manifest;

/**
 * A problem found in a manifest file, printed as {@code file: Kind ns/name: field: message} (the
 * parts that are known).
 */
public record ManifestProblem(String source, String resource, String field, String message) {
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(source);
    if (resource != null) {
      sb.append(": ").append(resource);
    }
    if (field != null) {
      sb.append(": ").append(field);
    }
    return sb.append(": ").append(message).toString();
  }
}
