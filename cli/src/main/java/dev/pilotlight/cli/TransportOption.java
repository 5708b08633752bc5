package dev.pilotlight.cli;

import dev.pilotlight.activator.netty.Transport;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --transport}: the gateway's I/O transport, shared by {@code local} and {@code activator}.
 */
public final class TransportOption {
  @Option(
      names = "--transport",
      paramLabel = "auto|io_uring|epoll|nio",
      defaultValue = "auto",
      converter = Converter.class,
      description =
          "Gateway I/O transport (default: ${DEFAULT-VALUE}: io_uring where the kernel and seccomp"
              + " allow it, else epoll, else NIO).")
  Transport transport;

  /** The transport as given ({@code auto} unless told otherwise). */
  public Transport transport() {
    return transport;
  }

  /**
   * The transport this host will run.
   *
   * @throws CommandLine.ParameterException naming {@code --transport} when the one asked for is not
   *     available here
   */
  public Transport resolve(CommandLine.Model.CommandSpec spec) {
    try {
      return transport.resolve();
    } catch (IllegalStateException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--transport: " + e.getMessage() + " (use --transport auto)");
    }
  }

  static final class Converter implements CommandLine.ITypeConverter<Transport> {
    @Override
    public Transport convert(String value) {
      try {
        return Transport.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
