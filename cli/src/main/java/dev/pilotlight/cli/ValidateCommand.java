package dev.pilotlight.cli;

import dev.pilotlight.api.config.KnativeConfigs;
import dev.pilotlight.api.manifest.ManifestException;
import dev.pilotlight.api.manifest.ManifestProblem;
import dev.pilotlight.api.manifest.ManifestReader;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.cli.local.ManifestFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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
      names = "--mode",
      paramLabel = "local|kubernetes",
      description =
          "Validate for local mode (the default: what `pilotlight local` would accept; containers"
              + " run as processes from their command) or for Kubernetes (a container needs an"
              + " image).")
  String mode = "local";

  @Option(names = "--kubernetes", description = "Same as --mode kubernetes.")
  boolean kubernetes;

  @Option(
      names = "--config",
      paramLabel = "FILE|DIR",
      description =
          "Knative's ConfigMaps to validate against (config-autoscaler, config-defaults,"
              + " config-features, config-deployment; files or directories, repeatable).")
  List<Path> configFiles = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Validator.Mode m;
    if (kubernetes || mode.equals("kubernetes")) {
      m = Validator.Mode.KUBERNETES;
    } else if (mode.equals("local")) {
      m = Validator.Mode.LOCAL;
    } else {
      err.println("--mode: \"" + mode + "\" (expected: local or kubernetes)");
      return 2;
    }
    KnativeConfigs configs;
    try {
      configs = KnativeConfigs.read(configFiles);
    } catch (ValidationException | IOException e) {
      err.println("invalid --config " + configFiles + ":\n" + e.getMessage());
      return 1;
    }
    ManifestReader reader =
        new ManifestReader(
            new Validator(
                new Validator.Settings(
                    configs.autoscaler(), configs.features(), configs.defaults(), m)));
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
