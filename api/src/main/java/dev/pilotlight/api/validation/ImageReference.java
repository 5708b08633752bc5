package dev.pilotlight.api.validation;

import java.util.regex.Pattern;

/**
 * Whether a container image reference parses, as go-containerregistry's {@code name.ParseReference}
 * with weak validation (what Knative checks): {@code [registry/]repository} with lower-case path
 * components, then {@code :tag} and/or {@code @algorithm:hex}.
 */
final class ImageReference {
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String REGISTRY =
      "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
          + "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
          + "(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)";
  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?:"
              + REGISTRY
              + "/)?"
              + COMPONENT
              + "(?:/"
              + COMPONENT
              + ")*"
              + "(?::[\\w][\\w.-]{0,127})?"
              + "(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?");

  private ImageReference() {}

  static boolean isValid(String image) {
    if (image.length() > 4096 || !REFERENCE.matcher(image).matches()) {
      return false;
    }
    // the registry part, when there is one, is what comes before the first '/' and has a '.' or
    // ':' or is localhost; otherwise the whole path is the repository and must be lower case
    int slash = image.indexOf('/');
    String first = slash < 0 ? "" : image.substring(0, slash);
    boolean hasRegistry =
        slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    String rest = hasRegistry ? image.substring(slash + 1) : image;
    int at = rest.indexOf('@');
    String path = at < 0 ? rest : rest.substring(0, at);
    int colon = path.lastIndexOf(':');
    String repo = colon < 0 ? path : path.substring(0, colon);
    return repo.equals(repo.toLowerCase(java.util.Locale.ROOT));
  }
}
