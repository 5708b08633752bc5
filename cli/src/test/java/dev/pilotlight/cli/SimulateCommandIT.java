package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pilotlight simulate} from the built jar, as a user runs it, on the real trace's slice. */
class SimulateCommandIT {
  static final Path JAR = Path.of("target", "pilotlight.jar");
  static final Path SLICE = Path.of("..", "simulator", "src", "test", "resources", "azure-slice");

  @TempDir Path dir;

  record Run(int code, String out) {}

  Run simulate(String... args) throws Exception {
    assertThat(JAR).as("the shaded jar, built by `package` before integration tests").exists();
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(JAR.toAbsolutePath().toString());
    cmd.add("simulate");
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "simulate", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  @Test
  void everyPresetOnTheSlice_jsonAndHtml_sameSeedSameJson() throws Exception {
    Path json = dir.resolve("sim.json");
    Path html = dir.resolve("sim.html");
    Run r =
        simulate(
            "--trace",
            SLICE.toString(),
            "--report",
            html.toString(),
            "--json",
            json.toString(),
            "--seed",
            "5");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("16 functions, 5227 invocations", "pilot-light-prewarm", "min-scale-1");
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertThat(j.get("policies")).hasSize(11);
    assertThat(j.get("policies").get(0).get("name").asText()).isEqualTo("knative-default");
    assertThat(j.get("settings").get("seed").asLong()).isEqualTo(5);
    assertThat(Files.readString(html)).contains("<svg", "Pareto");

    Path again = dir.resolve("again.json");
    assertThat(
            simulate(
                    "--trace",
                    SLICE.toString(),
                    "--json",
                    again.toString(),
                    "--seed",
                    "5",
                    "--threads",
                    "2")
                .code())
        .isZero();
    assertThat(Files.readString(again)).isEqualTo(Files.readString(json));
  }

  @Test
  void aUsersCsv_andACustomPolicy() throws Exception {
    Path csv = dir.resolve("requests.csv");
    Files.writeString(
        csv,
        "revision,timestamp_ms,duration_ms\napi,0,20\nworker,1000,500\napi,900000,20\napi,1800000,20\n");
    Path json = dir.resolve("sim.json");
    Run r =
        simulate(
            "--trace",
            csv.toString(),
            "--json",
            json.toString(),
            "--policies",
            "keepalive-10m,keep20:autoscaling.knative.dev/scale-to-zero-pod-retention-period=20m");
    assertThat(r.code()).as(r.out()).isZero();
    JsonNode p = new ObjectMapper().readTree(json.toFile()).get("policies");
    assertThat(p.get(0).get("cold_starts").asLong())
        .as("15 min apart, 10 min kept: cold")
        .isEqualTo(2);
    assertThat(p.get(1).get("name").asText()).isEqualTo("keep20");
    assertThat(p.get(1).get("cold_starts").asLong()).isZero();
  }

  @Test
  void aTraceThatDoesNotParse_fileLineColumn_nothingSimulated() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "api,0,20\napi,10,twenty\n");
    Path json = dir.resolve("sim.json");
    Run r = simulate("--trace", csv.toString(), "--json", json.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out())
        .contains(csv + ":2:8: duration_ms \"twenty\" (expected: a number >= 0)")
        .contains("nothing simulated");
    assertThat(json).doesNotExist();
  }

  @Test
  void aPolicyThatDoesNotParse_theRule() throws Exception {
    Run r = simulate("--trace", SLICE.toString(), "--policies", "x:pilotlight.dev/prewarm=always");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out())
        .contains(
            "policy \"x:pilotlight.dev/prewarm=always\": annotations[pilotlight.dev/prewarm]:"
                + " \"always\" (expected: one of none, histogram)");
  }
}
