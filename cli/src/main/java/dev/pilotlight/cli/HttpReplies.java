package dev.pilotlight.cli;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** Answers on the JDK's HTTP server, which the admin and health endpoints run on. */
public final class HttpReplies {
  private HttpReplies() {}

  /** Sends {@code body} with its length, as {@code type}, and closes the exchange's response. */
  public static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
