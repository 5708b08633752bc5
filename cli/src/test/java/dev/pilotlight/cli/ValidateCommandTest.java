package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void theExamplesAreValid() {
    Run r = run("validate", "../examples");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("valid");
  }

  @Test
  void problemsAreOneLineEach_namingFileFieldAndRule() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
        spec:
          template:
            spec:
              containers:
                - command: ["app"]
          traffic:
            - latestRevision: true
              percent: 90
        """);
    Run r = run("validate", bad.toString(), dir.resolve("missing.yaml").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains(bad + ": Service default/hello: spec.traffic: percents sum to 90 (expected: 100)")
        .contains("missing.yaml: no such file or directory");
  }
}
