package dev.pilotlight.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The subset of Kubernetes object metadata Pilotlight reads ({@code generateName} only on a
 * revision template, where it prefixes the revisions' names); the fields the API server sets are
 * accepted and ignored, so {@code kubectl get -o yaml} output reads back. {@code labels} and {@code
 * annotations} are never null after {@link #normalized(String)}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(
    value = {
      "uid",
      "resourceVersion",
      "creationTimestamp",
      "managedFields",
      "selfLink",
      "ownerReferences",
      "finalizers",
      "deletionTimestamp",
      "deletionGracePeriodSeconds"
    },
    ignoreUnknown = false)
public record ObjectMeta(
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    Long generation,
    String generateName) {

  public static final String DEFAULT_NAMESPACE = "default";

  public ObjectMeta {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public ObjectMeta(
      String name,
      String namespace,
      Map<String, String> labels,
      Map<String, String> annotations,
      Long generation) {
    this(name, namespace, labels, annotations, generation, null);
  }

  public static ObjectMeta named(String name, String namespace) {
    return new ObjectMeta(name, namespace, Map.of(), Map.of(), null, null);
  }

  /** This metadata with the namespace defaulted to {@code defaultNamespace} when absent. */
  public ObjectMeta normalized(String defaultNamespace) {
    String ns = namespace == null || namespace.isEmpty() ? defaultNamespace : namespace;
    return new ObjectMeta(name, ns, labels, annotations, generation, generateName);
  }
}
