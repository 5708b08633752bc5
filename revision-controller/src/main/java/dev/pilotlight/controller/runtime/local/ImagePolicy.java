package dev.pilotlight.controller.runtime.local;

/**
 * What to do for a container image before a revision's first instance starts, as the kubelet
 * decides from {@code imagePullPolicy} and as Knative pins it: a revision resolves its image once,
 * on its first start, and every instance of it then runs that image by id (Knative resolves a tag
 * to a digest when it creates the revision, so a tag pushed again never changes a running
 * revision).
 *
 * <p>Unset, the policy is Kubernetes' default: {@code Always} for an image tagged {@code latest} or
 * with no tag or digest, else {@code IfNotPresent}.
 */
final class ImagePolicy {
  private ImagePolicy() {}

  /** The decision: use the image present ({@code presentId}), pull it, or fail. */
  sealed interface Action {}

  /** Run the image already present, by id. */
  record Use(String imageId) implements Action {}

  /** Pull the image, then run it by the id it has after the pull. */
  record Pull() implements Action {}

  /** The image cannot run: the kubelet's reason and message. */
  record Fail(String reason, String message) implements Action {}

  /**
   * @param policy the container's {@code imagePullPolicy}, or null
   * @param image the container's image reference
   * @param presentId the id of the image as present in the engine's store, or null when absent
   */
  static Action decide(String policy, String image, String presentId) {
    String effective = policy == null || policy.isEmpty() ? defaultPolicy(image) : policy;
    return switch (effective) {
      case "Never" ->
          presentId != null
              ? new Use(presentId)
              : new Fail(
                  "ErrImageNeverPull",
                  "Container image \"" + image + "\" is not present with pull policy of Never");
      case "IfNotPresent" -> presentId != null ? new Use(presentId) : new Pull();
      default -> new Pull();
    };
  }

  /** Kubernetes' default pull policy for an image reference. */
  static String defaultPolicy(String image) {
    if (image.contains("@")) {
      return "IfNotPresent"; // a digest never changes
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    boolean tagged = colon > slash;
    String tag = tagged ? image.substring(colon + 1) : null;
    return tag == null || tag.equals("latest") ? "Always" : "IfNotPresent";
  }
}
