package dev.pilotlight.controller.reconcile;

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
 * -00002, ...} unless the template names it.
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

  /**
   * @param existing the configuration's revisions, any order
   * @param serviceName the owning service, or null
   */
  public static Stamp stamp(
      Configuration config, String serviceName, List<Revision> existing, Instant now) {
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
            template.spec(),
            now);
    return new NewRevision(revision);
  }

  private static boolean existingNamed(List<Revision> existing, String name) {
    return existing.stream().anyMatch(r -> r.name().equals(name));
  }
}
