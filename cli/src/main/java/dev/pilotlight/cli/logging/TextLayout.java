package dev.pilotlight.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The human-readable lines, as before Logback: events as {@code 13:14:26.730 message}, other
 * loggers as {@code 13:14:26.730 WARN ShortName - message}, the stack trace below.
 */
public final class TextLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(128);
    b.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
    if (!Logging.EVENTS.equals(event.getLoggerName())) {
      String name = event.getLoggerName();
      b.append(event.getLevel())
          .append(' ')
          .append(name.substring(name.lastIndexOf('.') + 1))
          .append(" - ");
    }
    b.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      b.append(ThrowableProxyUtil.asString(t));
    }
    return b.toString();
  }
}
