package dev.pilotlight.controller.store;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The store's refusals, as the API server answers them: a {@link KubernetesClientException} with
 * the HTTP code and a {@link Status} of the same reason, so the reconcile loop treats them exactly
 * as on a cluster (409 counted as a conflict and retried with backoff).
 */
public final class StoreErrors {
  private StoreErrors() {}

  /** A create of a name taken (409 AlreadyExists). */
  static KubernetesClientException alreadyExists(String kind, String name) {
    return error(409, "AlreadyExists", kind + " \"" + name + "\" already exists");
  }

  /** An update from a stale copy (409 Conflict). */
  static KubernetesClientException conflict(String kind, String name) {
    return error(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + kind
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again");
  }

  static KubernetesClientException notFound(String kind, String name) {
    return error(404, "NotFound", kind + " \"" + name + "\" not found");
  }

  static KubernetesClientException invalid(String kind, String name, String message) {
    return error(422, "Invalid", kind + " \"" + name + "\" is invalid: " + message);
  }

  /** The store holds its cap of objects (403, as an exceeded quota). */
  static KubernetesClientException full(String kind, String name, int max) {
    return error(
        403,
        "Forbidden",
        kind
            + " \""
            + name
            + "\" refused: the object store holds its maximum of "
            + max
            + " objects (delete some, or raise the cap)");
  }

  static KubernetesClientException tooLarge(String kind, String name, int bytes, int max) {
    return error(
        413,
        "RequestEntityTooLarge",
        kind
            + " \""
            + name
            + "\" refused: "
            + bytes
            + " bytes of JSON (expected: at most "
            + max
            + ")");
  }

  /** The write could not be made durable; nothing changed (500). */
  static KubernetesClientException unavailable(String message, Throwable cause) {
    KubernetesClientException e = error(500, "InternalError", message);
    e.addSuppressed(cause); // fabric8's exception takes a cause only with an HTTP request
    return e;
  }

  /** Whether {@code e} is a 409 (AlreadyExists or Conflict). */
  public static boolean isConflict(Throwable e) {
    return e instanceof KubernetesClientException k && k.getCode() == 409;
  }

  private static KubernetesClientException error(int code, String reason, String message) {
    return new KubernetesClientException(message, code, status(code, reason, message));
  }

  private static Status status(int code, String reason, String message) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
