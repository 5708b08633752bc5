package dev.pilotlight.controller.runtime.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Admission as a table: each row a node's allocatable and a script of steps, each step checked as
 * it runs. Steps: {@code + id cpu memory} (a standard instance's requests), {@code +first id cpu
 * memory} (the reserve's), {@code - id} (released), {@code admit -> ids} (those admitted now, in
 * order; {@code -} for none), {@code why id -> message} (its unschedulable message, {@code null}
 * for none), {@code free -> cpu memory}, {@code pending -> n}.
 */
class NodeCapacityTest {
  record Row(String name, String allocatable, List<String> script) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Row row(String name, String allocatable, String... script) {
    return new Row(name, allocatable, List.of(script));
  }

  static Stream<Row> rows() {
    return Stream.of(
        row(
            "instances that fit are admitted at once, in order",
            "cpu=2,memory=1Gi",
            "+ a 500m 256Mi",
            "+ b 500m 256Mi",
            "admit -> a b",
            "free -> 1000m 512Mi",
            "pending -> 0"),
        row(
            "cpu short: the one beyond stays pending, Unschedulable, named in Kubernetes' words",
            "cpu=1,memory=1Gi",
            "+ a 500m 256Mi",
            "+ b 500m 256Mi",
            "+ c 500m 256Mi",
            "admit -> a b",
            "pending -> 1",
            "why c -> 0/1 nodes are available: insufficient cpu (requests 500m, free 0m of 1000m)",
            "why a -> null"),
        row(
            "memory short, and both short",
            "cpu=1,memory=512Mi",
            "+ a 100m 384Mi",
            "+ b 100m 256Mi",
            "+ c 2 1Gi",
            "admit -> a",
            "why b -> 0/1 nodes are available: insufficient memory (requests 256Mi, free 128Mi"
                + " of 512Mi)",
            "why c -> 0/1 nodes are available: insufficient cpu (requests 2000m, free 900m of"
                + " 1000m), insufficient memory (requests 1Gi, free 128Mi of 512Mi)"),
        row(
            "a released admitted instance frees its requests; the first pending one gets them",
            "cpu=1,memory=1Gi",
            "+ a 500m 0",
            "+ b 500m 0",
            "+ c 500m 0",
            "+ d 500m 0",
            "admit -> a b",
            "- b",
            "admit -> c",
            "- a",
            "admit -> d",
            "pending -> 0"),
        row(
            "nothing is admitted until capacity frees: admitting again changes nothing",
            "cpu=1,memory=1Gi",
            "+ a 1 0",
            "+ b 1 0",
            "admit -> a",
            "admit -> -",
            "why b -> 0/1 nodes are available: insufficient cpu (requests 1000m, free 0m of 1000m)"),
        row(
            "a pending instance released leaves the queue and frees nothing",
            "cpu=1,memory=1Gi",
            "+ a 1 0",
            "+ b 1 0",
            "+ c 1 0",
            "admit -> a",
            "- b",
            "pending -> 1",
            "free -> 0m 1Gi",
            "- a",
            "admit -> c"),
        row(
            "the reserve is admitted before standard instances requested earlier",
            "cpu=1,memory=1Gi",
            "+ a 500m 0",
            "+ b 500m 0",
            "+first r 250m 0",
            "admit -> r a",
            "why b -> 0/1 nodes are available: insufficient cpu (requests 500m, free 250m of"
                + " 1000m)"),
        row(
            "as kube-scheduler: one that does not fit does not block a smaller one behind it",
            "cpu=1,memory=1Gi",
            "+ a 500m 0",
            "+ big 1 0",
            "+ small 250m 0",
            "admit -> a small",
            "- a",
            "admit -> -",
            "- small",
            "admit -> big"),
        row(
            "an instance larger than the node is pending for good, and says so",
            "cpu=1,memory=1Gi",
            "+ huge 4 0",
            "admit -> -",
            "why huge -> 0/1 nodes are available: insufficient cpu (requests 4000m, free 1000m"
                + " of 1000m)"),
        row(
            "an instance requesting nothing always fits",
            "cpu=1m,memory=1",
            "+ a 1m 1",
            "+ b 0 0",
            "admit -> a b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void admission(Row row) {
    NodeCapacity<String> node =
        new NodeCapacity<>(Resources.parse("--capacity", row.allocatable(), Resources.ZERO, true));
    for (String step : row.script()) {
      String[] arrow = step.split(" -> ", 2);
      String[] words = arrow[0].trim().split(" ");
      String expected = arrow.length > 1 ? arrow[1] : null;
      switch (words[0]) {
        case "+", "+first" ->
            node.request(words[1], resources(words[2], words[3]), words[0].equals("+first"));
        case "-" -> node.release(words[1]);
        case "admit" ->
            assertThat(node.admit())
                .as(step)
                .containsExactlyElementsOf(
                    expected.equals("-") ? List.of() : Arrays.asList(expected.split(" ")));
        case "why" ->
            assertThat(String.valueOf(node.unschedulable(words[1]))).as(step).isEqualTo(expected);
        case "free" -> {
          String[] free = expected.split(" ");
          assertThat(node.free()).as(step).isEqualTo(resources(free[0], free[1]));
        }
        case "pending" ->
            assertThat(node.pendingCount()).as(step).isEqualTo(Integer.parseInt(expected));
        default -> throw new IllegalArgumentException("unknown step " + step);
      }
    }
  }

  static Resources resources(String cpu, String memory) {
    return Resources.parse("test", "cpu=" + cpu + ",memory=" + memory, Resources.ZERO, false);
  }

  @Test
  void anInstanceIsRequestedOnce_andHeldUntilReleased() {
    NodeCapacity<String> node = new NodeCapacity<>(new Resources(1000, 1000));
    node.request("a", new Resources(400, 0), false);
    assertThatThrownBy(() -> node.request("a", new Resources(400, 0), true))
        .isInstanceOf(IllegalStateException.class);
    node.admit();
    assertThat(node.admitted("a")).isTrue();
    assertThat(node.allocated()).isEqualTo(new Resources(400, 0));
    assertThatThrownBy(() -> node.request("a", new Resources(400, 0), false))
        .isInstanceOf(IllegalStateException.class);
    assertThat(node.release("a")).isTrue();
    assertThat(node.release("a")).isFalse();
    assertThat(node.allocated()).isEqualTo(Resources.ZERO);
  }
}
