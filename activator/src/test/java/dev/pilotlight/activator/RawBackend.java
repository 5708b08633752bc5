package dev.pilotlight.activator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An instance that logs every byte it receives and reads requests the way a plain HTTP/1.1 server
 * does: a head, then a body framed by {@code Transfer-Encoding: chunked} or {@code Content-Length}
 * and nothing else. Whatever follows a request's framing is read as the next request, so a body the
 * gateway sent without its framing shows up here as a request of its own (smuggled).
 *
 * <p>Each request is answered {@code 200} with the body {@code seen:METHOD TARGET} (a HEAD request
 * with its length only); a target starting with {@code /slow} is answered after {@link
 * #SLOW_MILLIS} ms (responses stay in order, as HTTP/1.1 requires); one starting with {@code
 * /extra} is answered with the start of a second, unasked-for response right behind the first, in
 * the same write (an instance out of step with its connection). Bounded: at most {@value
 * #MAX_CONNECTIONS} connections served at once.
 */
final class RawBackend implements AutoCloseable {
  static final int SLOW_MILLIS = 300;
  private static final int MAX_CONNECTIONS = 32;
  private static final int MAX_HEAD = 64 * 1024;

  /** A request as the backend read it. */
  record Seen(String requestLine, List<String> headers, String body) {
    String header(String name) {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return h.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private final ServerSocket server;
  private final ExecutorService pool = Executors.newFixedThreadPool(MAX_CONNECTIONS + 1);
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<ByteArrayOutputStream> raw = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  RawBackend() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** The requests read so far, in the order read (over all connections). */
  List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** Every byte received, per connection, as text. */
  List<String> bytes() {
    List<String> out = new ArrayList<>();
    for (ByteArrayOutputStream b : raw) {
      synchronized (b) {
        out.add(b.toString(StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    raw.add(log);
    try (s) {
      InputStream in = new LoggingInput(s.getInputStream(), log);
      OutputStream out = s.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        String[] lines = head.split("\r\n");
        List<String> headers = List.of(lines).subList(1, lines.length);
        Seen r = new Seen(lines[0], headers, null);
        String te = r.header("Transfer-Encoding");
        String cl = r.header("Content-Length");
        String body;
        if (te != null && te.toLowerCase(Locale.ROOT).equals("chunked")) {
          body = readChunked(in);
        } else if (cl != null) {
          body = new String(in.readNBytes(Integer.parseInt(cl)), StandardCharsets.ISO_8859_1);
        } else {
          body = "";
        }
        seen.add(new Seen(lines[0], headers, body));
        String[] parts = lines[0].split(" ");
        String target = parts.length > 1 ? parts[1] : "";
        if (target.startsWith("/slow")) {
          TimeUnit.MILLISECONDS.sleep(SLOW_MILLIS);
        }
        byte[] answer = ("seen:" + parts[0] + " " + target).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.write(
            ("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        if (!parts[0].equals("HEAD")) {
          response.write(answer); // a HEAD response has the length of the GET's body, not the body
        }
        if (target.startsWith("/extra")) {
          response.write(
              "HTTP/1.1 200 OK\r\nX-Unasked: 1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write(response.toByteArray());
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the connection ends; what was read is logged
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The head up to (without) its empty line, or null at the end of the stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.write(c);
      matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
      if (b.size() > MAX_HEAD) {
        throw new IOException("head too large");
      }
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.substring(0, s.length() - 4);
  }

  private static String readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers
        }
        return body.toString(StandardCharsets.ISO_8859_1);
      }
      body.write(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
    }
    if (c < 0) {
      throw new IOException("end of stream in a chunked body");
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (SocketException e) {
        // closing anyway
      }
    }
    pool.shutdownNow();
  }

  /** Copies what is read into the connection's log. */
  private static final class LoggingInput extends InputStream {
    private final InputStream in;
    private final ByteArrayOutputStream log;

    LoggingInput(InputStream in, ByteArrayOutputStream log) {
      this.in = in;
      this.log = log;
    }

    @Override
    public int read() throws IOException {
      int c = in.read();
      if (c >= 0) {
        synchronized (log) {
          log.write(c);
        }
      }
      return c;
    }
  }
}
