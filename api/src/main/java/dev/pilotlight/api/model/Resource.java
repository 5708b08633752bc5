package dev.pilotlight.api.model;

/**
 * A user-declared resource: what a manifest holds. Revisions are made by the controller, never
 * declared.
 */
public sealed interface Resource permits Service, Configuration, Route {

  String API_VERSION = "serving.pilotlight.dev/v1";
  String KNATIVE_API_VERSION = "serving.knative.dev/v1";

  String apiVersion();

  String kind();

  ObjectMeta metadata();

  default String name() {
    return metadata().name();
  }

  default String namespace() {
    return metadata().namespace();
  }

  /** "Kind namespace/name", for messages. */
  default String describe() {
    return kind() + " " + namespace() + "/" + name();
  }
}
