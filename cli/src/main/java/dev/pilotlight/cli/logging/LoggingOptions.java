package dev.pilotlight.cli.logging;

import java.io.PrintWriter;
import java.io.Writer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --log-format} and {@code --log-level}, shared by local and the Kubernetes components. */
public final class LoggingOptions {
  @Option(
      names = "--log-format",
      defaultValue = "text",
      paramLabel = "text|json",
      converter = LoggingOptions.FormatConverter.class,
      description =
          "Log lines as human-readable text, or one JSON object per line (default: ${DEFAULT-VALUE}).")
  Logging.Format format;

  @Option(
      names = "--log-level",
      paramLabel = "[LEVEL,][LOGGER=LEVEL,...]",
      description =
          "Log levels: a default level and per logger, e.g. debug or info,dev.pilotlight.activator=debug "
              + "(default: info, io.netty=warn).")
  String levels;

  static final class FormatConverter implements CommandLine.ITypeConverter<Logging.Format> {
    @Override
    public Logging.Format convert(String value) {
      for (Logging.Format f : Logging.Format.values()) {
        if (f.name().equalsIgnoreCase(value)) {
          return f;
        }
      }
      throw new CommandLine.TypeConversionException("must be text or json (was '" + value + "')");
    }
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /**
   * Where a command writes the errors that end it (an invalid ConfigMap, a port in use): the
   * command's stderr as is in text format; in JSON format each message becomes one ERROR line of
   * the log, so a pod's stderr stays one JSON object per line. Call after {@link #apply}.
   */
  public PrintWriter errors() {
    PrintWriter err = spec.commandLine().getErr();
    if (format != Logging.Format.JSON) {
      return err;
    }
    Logger log = LoggerFactory.getLogger("dev.pilotlight.cli");
    return new PrintWriter(
        new Writer() {
          private final StringBuilder message = new StringBuilder();

          @Override
          public void write(char[] chars, int off, int len) {
            message.append(chars, off, len);
          }

          @Override
          public void flush() {
            String m = message.toString().stripTrailing();
            message.setLength(0);
            if (!m.isEmpty()) {
              log.error("{}", m);
            }
          }

          @Override
          public void close() {
            flush();
          }
        },
        true);
  }

  /** Configures logging for {@code component}; a bad --log-level is a usage error. */
  public void apply(String component) {
    try {
      Logging.configure(
          component, format, Logging.parseLevels(levels), spec.commandLine().getErr());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--log-level: " + e.getMessage());
    }
  }
}
