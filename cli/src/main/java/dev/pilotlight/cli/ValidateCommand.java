package dev.pilotlight.cli;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.manifest.ManifestException;
import dev.pilotlight.api.manifest.ManifestProblem;
import dev.pilotlight.api.manifest.ManifestReader;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.cli.local.ManifestFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Checks manifests without running anything: exit 0 when all are valid, 1 with one line per
 * problem.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Validate manifests; prints one line per problem (file: resource: field: rule).")
public final class ValidateCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE|DIR",
      description = "Manifest files or directories of *.yaml/*.yml.")
  List<Path> paths;

  @Option(
      names = "--kubernetes",
      description = "Validate for Kubernetes mode (a container needs an image, not a command).")
  boolean kubernetes;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ManifestReader reader =
        new ManifestReader(new Validator(AutoscalerConfig.DEFAULTS, !kubernetes));
    int problems = 0;
    int resources = 0;
    ManifestFiles.Expansion files = ManifestFiles.expand(paths);
    for (String missing : files.problems()) {
      err.println(missing);
      problems++;
    }
    for (Path file : files.files()) {
      try {
        List<Resource> read = reader.read(file);
        resources += read.size();
      } catch (ManifestException e) {
        for (ManifestProblem p : e.problems()) {
          err.println(p);
          problems++;
        }
      }
    }
    if (problems > 0) {
      err.println(problems + (problems == 1 ? " problem" : " problems") + " found");
      return 1;
    }
    out.println(resources + (resources == 1 ? " resource" : " resources") + " valid");
    return 0;
  }
}
