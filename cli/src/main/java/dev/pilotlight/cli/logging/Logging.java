package dev.pilotlight.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.Layout;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one logging path of every command: SLF4J through Logback, configured here from {@code
 * --log-format} and {@code --log-level} (cli's logback.xml is the default before that, and for the
 * commands without these options).
 */
public final class Logging {
  /** The logger of the local mode's user-facing events, printed as bare time-stamped lines. */
  public static final String EVENTS = "dev.pilotlight.events";

  /** The MDC key of the revision ({@code namespace/name}) a line is about. */
  public static final String REVISION = "revision";

  /** {@code --log-format}. */
  public enum Format {
    TEXT,
    JSON
  }

  private Logging() {}

  /** The events logger. */
  public static Logger events() {
    return LoggerFactory.getLogger(EVENTS);
  }

  /**
   * Parses {@code --log-level}: {@code LEVEL} (the default level) and {@code LOGGER=LEVEL} entries,
   * comma-separated; the empty logger name (key {@code ""}) is the default level.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static Map<String, Level> parseLevels(String spec) {
    Map<String, Level> levels = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return levels;
    }
    for (String entry : spec.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      String logger = eq < 0 ? "" : e.substring(0, eq).trim();
      String level = (eq < 0 ? e : e.substring(eq + 1)).trim();
      if (eq >= 0 && logger.isEmpty()) {
        throw new IllegalArgumentException("'" + e + "': no logger before '='");
      }
      levels.put(logger, level(e, level));
    }
    return levels;
  }

  private static Level level(String entry, String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "trace":
        return Level.TRACE;
      case "debug":
        return Level.DEBUG;
      case "info":
        return Level.INFO;
      case "warn":
        return Level.WARN;
      case "error":
        return Level.ERROR;
      case "off":
        return Level.OFF;
      default:
        throw new IllegalArgumentException(
            "'" + entry + "': level must be one of trace, debug, info, warn, error, off");
    }
  }

  /**
   * Configures Logback for {@code component}: every line to {@code out} (the command's stderr;
   * never closed) in {@code format}, the default level info ({@code io.netty} warn), then {@code
   * levels}.
   */
  public static void configure(
      String component, Format format, Map<String, Level> levels, PrintWriter out) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    Layout<ILoggingEvent> layout =
        format == Format.JSON ? new JsonLayout(component) : new TextLayout();
    layout.setContext(ctx);
    layout.start();
    WriterAppender appender = new WriterAppender(layout, out);
    appender.setContext(ctx);
    appender.setName(format.name().toLowerCase(Locale.ROOT));
    appender.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    root.setLevel(Level.INFO);
    ctx.getLogger("io.netty").setLevel(Level.WARN);
    levels.forEach(
        (logger, level) -> (logger.isEmpty() ? root : ctx.getLogger(logger)).setLevel(level));
  }

  /** Writes each line whole and flushed (AppenderBase serializes the calls). */
  private static final class WriterAppender extends AppenderBase<ILoggingEvent> {
    private final Layout<ILoggingEvent> layout;
    private final PrintWriter out;

    WriterAppender(Layout<ILoggingEvent> layout, PrintWriter out) {
      this.layout = layout;
      this.out = out;
    }

    @Override
    protected void append(ILoggingEvent event) {
      out.print(layout.doLayout(event));
      out.flush();
    }
  }
}
