package dev.pilotlight.controller.runtime.local;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A tiny app for runtime tests, run as a real process: {@code TestHttpApp [mode]} where mode is
 * {@code ok} (listen on $PORT, answer 200 with $K_REVISION), {@code crash} (exit 3 at once) or
 * {@code unready} (listen, but answer /ready with 503 until the file named by $READY_FILE exists).
 * {@code /class} answers with $PILOTLIGHT_INSTANCE_CLASS.
 */
public final class TestHttpApp {
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "ok";
    if (mode.equals("crash")) {
      System.out.println("crashing on purpose");
      System.exit(3);
    }
    int port = Integer.parseInt(System.getenv("PORT"));
    String revision = System.getenv("K_REVISION");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    server.createContext(
        "/",
        ex -> {
          boolean ready =
              !mode.equals("unready")
                  || java.nio.file.Files.exists(java.nio.file.Path.of(System.getenv("READY_FILE")));
          String answer =
              ex.getRequestURI().getPath().equals("/class")
                  ? System.getenv("PILOTLIGHT_INSTANCE_CLASS")
                  : revision;
          byte[] body = (answer + "\n").getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(ready ? 200 : 503, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }
}
