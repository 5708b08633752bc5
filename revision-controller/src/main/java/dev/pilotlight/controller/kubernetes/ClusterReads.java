package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;

/**
 * Everything the reconcilers read: the controller's view of the objects, beside {@link
 * ClusterWrites}. On a cluster it is the informer caches ({@link Caches}); in local mode the
 * embedded object store. Deployments, headless Services and pods are seen only where they carry
 * {@code app.kubernetes.io/managed-by: pilotlight}; the custom resources whole.
 *
 * <p>What a read returns is the reader's to look at, not to change: copy before modifying (an
 * informer hands out its cached object). A missing object is null; a join with no match is empty.
 */
public interface ClusterReads {

  ServiceResource service(ObjectKey key);

  ConfigurationResource configuration(String namespace, String name);

  RevisionResource revision(String namespace, String name);

  RouteResource route(String namespace, String name);

  PodAutoscalerResource podAutoscaler(String namespace, String name);

  Deployment deployment(String namespace, String name);

  Service endpointsService(String namespace, String name);

  /** The revisions labelled with the configuration. */
  List<RevisionResource> revisionsOf(String namespace, String configuration);

  /** Routes naming the revision in their spec or status. */
  List<RouteResource> routesNaming(String namespace, String revision);

  /** Routes naming the configuration in their spec. */
  List<RouteResource> routesOfConfiguration(String namespace, String configuration);

  /** The pods labelled with the revision. */
  List<Pod> podsOf(String namespace, String revision);

  /** Every object of a kind the controller reads (all namespaces served). */
  <T extends HasMetadata> List<T> list(Class<T> type);
}
