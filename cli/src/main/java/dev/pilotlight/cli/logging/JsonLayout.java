package dev.pilotlight.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per line: {@code time} (ISO-8601, UTC), {@code level}, {@code component}, {@code
 * revision} when the line is about one (MDC {@value Logging#REVISION}), {@code logger}, {@code
 * message}, {@code stack} when there is an exception.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {
  private final String component;

  public JsonLayout(String component) {
    this.component = component;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(256);
    b.append('{');
    field(b, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    b.append(',');
    field(b, "level", event.getLevel().toString());
    b.append(',');
    field(b, "component", component);
    Map<String, String> mdc = event.getMDCPropertyMap();
    String revision = mdc == null ? null : mdc.get(Logging.REVISION);
    if (revision != null) {
      b.append(',');
      field(b, "revision", revision);
    }
    b.append(',');
    field(b, "logger", event.getLoggerName());
    b.append(',');
    field(b, "message", event.getFormattedMessage());
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      b.append(',');
      field(b, "stack", ThrowableProxyUtil.asString(t));
    }
    return b.append("}\n").toString();
  }

  private static void field(StringBuilder b, String name, String value) {
    quote(b, name);
    b.append(':');
    quote(b, value == null ? "" : value);
  }

  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
