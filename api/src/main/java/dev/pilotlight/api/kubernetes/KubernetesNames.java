package dev.pilotlight.api.kubernetes;

/**
 * Group names, labels and child-resource names shared by the controller, the autoscaler and the
 * activator in Kubernetes mode. Labels are Knative's, so tools that observe Knative Serving (for
 * example {@code pilotlight loadtest --observe}) observe Pilotlight too.
 */
public final class KubernetesNames {
  private KubernetesNames() {}

  public static final String SERVING_GROUP = "serving.pilotlight.dev";
  public static final String SERVING_VERSION = "v1";
  public static final String AUTOSCALING_GROUP = "autoscaling.pilotlight.dev";
  public static final String AUTOSCALING_VERSION = "v1alpha1";

  /** On every child of a Service: its name. */
  public static final String SERVICE_LABEL = "serving.knative.dev/service";

  /** On a Revision and its children: the Configuration that stamped it. */
  public static final String CONFIGURATION_LABEL = "serving.knative.dev/configuration";

  /** On a Revision: the Configuration generation it was stamped from. */
  public static final String CONFIGURATION_GENERATION_LABEL =
      "serving.knative.dev/configurationGeneration";

  /** On a Revision's children (Deployment, pods, Service, PodAutoscaler): the Revision's name. */
  public static final String REVISION_LABEL = "serving.knative.dev/revision";

  /** On a Revision routed by a Route: the Route's name. */
  public static final String ROUTE_LABEL = "serving.knative.dev/route";

  /** On a Deployment, its pods and its Service: {@code standard} or {@code reserve}. */
  public static final String INSTANCE_CLASS_LABEL = "pilotlight.dev/instance-class";

  /** Who manages a child resource. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  public static final String MANAGED_BY = "pilotlight";

  /**
   * On a pod the local node agent writes: the instance's log file, which replaces {@code kubectl
   * logs} in what a failing revision's conditions tell a user to look at.
   */
  public static final String LOG_ANNOTATION = "pilotlight.dev/log";

  /** On a pod the local node agent writes: the loopback port its instance serves on. */
  public static final String PORT_ANNOTATION = "pilotlight.dev/port";

  /** On a pod the local node agent writes: {@code process} or {@code container}. */
  public static final String RUNTIME_ANNOTATION = "pilotlight.dev/runtime";

  /**
   * Knative's routing state of a revision ({@code pending}, {@code active}, {@code reserve}), kept
   * on it by the revision reconciler.
   */
  public static final String ROUTING_STATE_LABEL = "serving.knative.dev/routingState";

  /** The Deployment of a revision's standard instances: {@code <revision>-deployment}. */
  public static String deployment(String revision) {
    return revision + "-deployment";
  }

  /** The Deployment of a revision's reserve (pilot light) instance: {@code <revision>-reserve}. */
  public static String reserveDeployment(String revision) {
    return revision + "-reserve";
  }

  /**
   * The headless Service whose EndpointSlices list a revision's standard pods: the revision's own
   * name. EndpointSlices carry it in {@code kubernetes.io/service-name}.
   */
  public static String endpointsService(String revision) {
    return revision;
  }

  /** The headless Service of the reserve pod: {@code <revision>-reserve}. */
  public static String reserveEndpointsService(String revision) {
    return reserveDeployment(revision);
  }

  /** The label EndpointSlices carry with their Service's name. */
  public static final String ENDPOINT_SLICE_SERVICE_LABEL = "kubernetes.io/service-name";
}
