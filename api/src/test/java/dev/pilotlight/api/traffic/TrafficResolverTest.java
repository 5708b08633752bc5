package dev.pilotlight.api.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.model.TrafficTarget;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficResolverTest {
  static final Map<String, String> LATEST = Map.of("hello", "hello-00003", "blue", "blue-00001");
  static final Set<String> REVISIONS =
      Set.of("hello-00001", "hello-00002", "hello-00003", "blue-00001");

  static TrafficResolver.Resolution resolve(List<TrafficTarget> traffic, String own) {
    return TrafficResolver.resolve(
        traffic,
        own,
        c -> Optional.ofNullable(LATEST.get(c)),
        REVISIONS::contains,
        tag -> "http://" + tag + "-x");
  }

  @Test
  void emptyBlockIsAllToLatest() {
    assertThat(resolve(List.of(), "hello"))
        .isEqualTo(
            new TrafficResolver.Resolved(
                List.of(new ResolvedTarget("hello-00003", "hello", true, 100, null, null))));
  }

  @Test
  void splitWithTagsAndZeroPercentEntries() {
    TrafficResolver.Resolution r =
        resolve(
            List.of(
                TrafficTarget.revision("hello-00001", 80, null),
                TrafficTarget.latest(20),
                TrafficTarget.revision("hello-00002", 0, "old")),
            "hello");
    assertThat(r)
        .isEqualTo(
            new TrafficResolver.Resolved(
                List.of(
                    new ResolvedTarget("hello-00001", null, false, 80, null, null),
                    new ResolvedTarget("hello-00003", "hello", true, 20, null, null),
                    new ResolvedTarget("hello-00002", null, false, 0, "old", "http://old-x"))));
  }

  @Test
  void missingRevisionOrConfigurationIsUnresolvedWithTheField() {
    TrafficResolver.Resolution r =
        resolve(
            List.of(
                TrafficTarget.revision("hello-00009", 50, null),
                new TrafficTarget(null, "green", null, 50L, null)),
            null);
    assertThat(r).isInstanceOf(TrafficResolver.Unresolved.class);
    assertThat(((TrafficResolver.Unresolved) r).reasons())
        .map(Object::toString)
        .containsExactly(
            "spec.traffic[0].revisionName: revision \"hello-00009\" does not exist",
            "spec.traffic[1].configurationName: configuration \"green\" has no revision yet");
  }
}
