package dev.pilotlight.controller.reconcile;

import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.model.RevisionTemplate;
import dev.pilotlight.api.naming.Names;
import dev.pilotlight.api.spi.RevisionKey;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a configuration's template needs a new revision, as a pure function of the
 * configuration and its existing revisions. A revision is immutable: any change of the template
 * (its spec, annotations, labels or name) stamps the next one, numbered {@code <config>-00001,
 * -00002, ...} unless the template names it. The new revision's spec is the template's with
 * config-defaults' timeouts and concurrency where it leaves them unset ({@link
 * ServingDefaults#applyTo}); the template's hash, which decides whether a revision is new, is the
 * template's own, so a change of config-defaults applies to new revisions only, as in Knative.
 */
public final class RevisionStamper {
  private RevisionStamper() {}

  /**
   * The outcome: nothing to do, a new revision, or a user error to surface on the configuration.
   */
  public sealed interface Stamp permits UpToDate, NewRevision, Conflict {}

  public record UpToDate(Revision latest) implements Stamp {}

  public record NewRevision(Revision revision) implements Stamp {}

  public record Conflict(String message) implements Stamp {}

  /** As {@link #stamp(Configuration, String, List, Instant, ServingDefaults)}, stock defaults. */
  public static Stamp stamp(
      Configuration config, String serviceName, List<Revision> existing, Instant now) {
    return stamp(config, serviceName, existing, now, ServingDefaults.DEFAULTS);
  }

  /**
   * @param existing the configuration's revisions, any order
   * @param serviceName the owning service, or null
   * @param defaults config-defaults in force, for a new revision
   */
  public static Stamp stamp(
      Configuration config,
      String serviceName,
      List<Revision> existing,
      Instant now,
      ServingDefaults defaults) {
    RevisionTemplate template = config.spec().template();
    String hash = TemplateHash.of(template);
    Optional<Revision> latest =
        existing.stream().max(Comparator.comparingLong(Revision::configurationGeneration));
    if (latest.isPresent() && latest.get().templateHash().equals(hash)) {
      return new UpToDate(latest.get());
    }
    long generation = latest.map(r -> r.configurationGeneration() + 1).orElse(1L);
    String name = template.metadata().name();
    if (name == null || name.isEmpty()) {
      // Knative names a revision after the template's generateName when it has one
      String prefix = template.metadata().generateName();
      java.util.function.LongFunction<String> naming =
          prefix == null || prefix.isEmpty()
              ? g -> Names.revision(config.name(), g)
              : g -> prefix + String.format("%05d", g);
      name = naming.apply(generation);
      // a user-named revision may already hold this number's name: skip ahead
      while (existingNamed(existing, name)) {
        generation++;
        name = naming.apply(generation);
      }
    } else {
      final String wanted = name;
      Optional<Revision> same = existing.stream().filter(r -> r.name().equals(wanted)).findFirst();
      if (same.isPresent()) {
        if (same.get().templateHash().equals(hash)) {
          return new UpToDate(same.get());
        }
        return new Conflict(
            "spec.template.metadata.name: revision \""
                + wanted
                + "\" already exists with a different template (expected: a new name for every template change)");
      }
    }
    Map<String, String> labels = new java.util.HashMap<>(template.metadata().labels());
    labels.put("serving.knative.dev/configuration", config.name());
    if (serviceName != null) {
      labels.put(ServiceResources.SERVICE_LABEL, serviceName);
    }
    Revision revision =
        new Revision(
            new RevisionKey(config.namespace(), name),
            config.name(),
            serviceName,
            generation,
            hash,
            template.metadata().annotations(),
            labels,
            defaults.applyTo(template.spec()),
            now);
    return new NewRevision(revision);
  }

  private static boolean existingNamed(List<Revision> existing, String name) {
    return existing.stream().anyMatch(r -> r.name().equals(name));
  }
}
