package dev.pilotlight.cli;

import dev.pilotlight.cli.kubernetes.ActivatorCommand;
import dev.pilotlight.cli.kubernetes.AutoscalerCommand;
import dev.pilotlight.cli.kubernetes.ControllerCommand;
import dev.pilotlight.cli.local.LocalCommand;
import dev.pilotlight.cli.sample.SampleAppCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of every Pilotlight command. */
@Command(
    name = "pilotlight",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "A Knative-style serverless serving system: traffic splits, scale to and from zero, the pilot light.",
    subcommands = {
      LocalCommand.class,
      StatusCommand.class,
      ValidateCommand.class,
      LoadtestCommand.class,
      SimulateCommand.class,
      SampleAppCommand.class,
      ControllerCommand.class,
      AutoscalerCommand.class,
      ActivatorCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Netty's sampling leak detector costs a few percent of the gateway's CPU on every request; the
    // tests run it in paranoid mode instead. -Dio.netty.leakDetection.level=simple turns it back
    // on.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests to run commands in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"pilotlight " + (v == null ? "dev" : v)};
    }
  }
}
