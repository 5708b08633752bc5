package dev.pilotlight.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.ConfigurationSpec;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.model.RevisionTemplate;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevisionStamperTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Configuration config(String name, String templateName, String... args) {
    RevisionSpec spec =
        new RevisionSpec(
            List.of(new ContainerBuilder().withCommand("app").withArgs(args).build()),
            null,
            null,
            null,
            null);
    return new Configuration(
        "serving.pilotlight.dev/v1",
        "Configuration",
        ObjectMeta.named(name, "default"),
        new ConfigurationSpec(
            new RevisionTemplate(new ObjectMeta(templateName, null, null, null, null), spec)));
  }

  static Revision stampNew(Configuration c, List<Revision> existing) {
    RevisionStamper.Stamp s = RevisionStamper.stamp(c, null, existing, NOW);
    assertThat(s).isInstanceOf(RevisionStamper.NewRevision.class);
    return ((RevisionStamper.NewRevision) s).revision();
  }

  @Test
  void firstTemplateStampsGenerationOne() {
    Revision r = stampNew(config("hello", null, "a"), List.of());
    assertThat(r.name()).isEqualTo("hello-00001");
    assertThat(r.configurationGeneration()).isEqualTo(1);
    assertThat(r.labels()).containsEntry("serving.knative.dev/configuration", "hello");
  }

  @Test
  void sameTemplateIsUpToDate_changedTemplateStampsTheNext() {
    List<Revision> existing = new ArrayList<>();
    existing.add(stampNew(config("hello", null, "a"), existing));
    assertThat(RevisionStamper.stamp(config("hello", null, "a"), null, existing, NOW))
        .isInstanceOf(RevisionStamper.UpToDate.class);
    Revision second = stampNew(config("hello", null, "b"), existing);
    assertThat(second.name()).isEqualTo("hello-00002");
    existing.add(second);
    // going back to an earlier template is a change too: revisions are a history, not a set
    assertThat(stampNew(config("hello", null, "a"), existing).name()).isEqualTo("hello-00003");
  }

  @Test
  void aNewRevisionGetsConfigDefaults_andAChangeOfThemStampsNoRevision() {
    ServingDefaults first =
        ServingDefaults.fromData(
            Map.of("revision-timeout-seconds", "120", "container-concurrency", "7"));
    List<Revision> existing = new ArrayList<>();
    RevisionStamper.Stamp s =
        RevisionStamper.stamp(config("hello", null, "a"), null, existing, NOW, first);
    Revision r = ((RevisionStamper.NewRevision) s).revision();
    assertThat(r.spec().timeoutSeconds()).isEqualTo(120L);
    assertThat(r.spec().containerConcurrency()).isEqualTo(7L);
    existing.add(r);

    ServingDefaults second = ServingDefaults.fromData(Map.of("revision-timeout-seconds", "200"));
    assertThat(RevisionStamper.stamp(config("hello", null, "a"), null, existing, NOW, second))
        .isInstanceOf(RevisionStamper.UpToDate.class);
    Revision next =
        ((RevisionStamper.NewRevision)
                RevisionStamper.stamp(config("hello", null, "b"), null, existing, NOW, second))
            .revision();
    assertThat(next.spec().timeoutSeconds()).isEqualTo(200L);
    assertThat(next.spec().containerConcurrency()).isZero();
    assertThat(next.templateHash()).isNotEqualTo(r.templateHash());
  }

  @Test
  void namedTemplateUsesItsName_andRefusesReuseWithAnotherTemplate() {
    List<Revision> existing = new ArrayList<>();
    existing.add(stampNew(config("hello", "hello-v1", "a"), existing));
    assertThat(existing.get(0).name()).isEqualTo("hello-v1");
    RevisionStamper.Stamp conflict =
        RevisionStamper.stamp(config("hello", "hello-v1", "b"), null, existing, NOW);
    assertThat(conflict).isInstanceOf(RevisionStamper.Conflict.class);
    assertThat(((RevisionStamper.Conflict) conflict).message())
        .contains("spec.template.metadata.name", "hello-v1", "already exists");
  }

  @Test
  void aTemplatesGenerateNamePrefixesItsRevisions() {
    Configuration c = config("hello", null, "a");
    RevisionTemplate t = c.spec().template();
    Configuration generated =
        new Configuration(
            c.apiVersion(),
            c.kind(),
            c.metadata(),
            new ConfigurationSpec(
                new RevisionTemplate(
                    new ObjectMeta(null, null, null, null, null, "hello-v-"), t.spec())));
    assertThat(stampNew(generated, List.of()).name()).isEqualTo("hello-v-00001");
  }

  /** The pod spec carried whole serializes as the narrow record did: existing hashes hold. */
  @Test
  void theCanonicalFormOfAContainersOnlyTemplateIsUnchanged() throws Exception {
    record OldSpec(
        @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            List<io.fabric8.kubernetes.api.model.Container> containers,
        @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Long containerConcurrency,
        @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Long timeoutSeconds) {}
    record OldTemplate(ObjectMeta metadata, OldSpec spec) {}
    var canonical =
        com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    var container = new ContainerBuilder().withCommand("app").withArgs("a").build();
    ObjectMeta meta = new ObjectMeta(null, null, Map.of("k", "v"), Map.of("a", "1"), null);
    String now =
        canonical.writeValueAsString(
            new RevisionTemplate(meta, new RevisionSpec(List.of(container), 10L, 60L, null, null)));
    String before =
        canonical.writeValueAsString(
            new OldTemplate(meta, new OldSpec(List.of(container), 10L, 60L)));
    assertThat(now).isEqualTo(before);
  }

  @Test
  void hashIgnoresKeyOrderButNotValues() {
    Configuration a = config("hello", null, "x");
    Configuration b = config("hello", null, "x");
    assertThat(TemplateHash.of(a.spec().template()))
        .isEqualTo(TemplateHash.of(b.spec().template()));
    RevisionTemplate annotated =
        new RevisionTemplate(
            new ObjectMeta(null, null, null, Map.of("autoscaling.knative.dev/target", "5"), null),
            a.spec().template().spec());
    assertThat(TemplateHash.of(annotated)).isNotEqualTo(TemplateHash.of(a.spec().template()));
  }
}
