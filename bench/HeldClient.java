import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The load of bench/held.sh: opens N keep-alive HTTP/1.1 connections to the gateway, each with one
 * GET in flight, then waits for every response (or the deadline). One thread, non-blocking sockets,
 * at most 256 connects pending at a time (so the gateway's accept backlog never overflows).
 *
 * <p>Run with the JDK's source launcher: {@code java bench/HeldClient.java ADDRESS PORT HOST N
 * DEADLINE_SECONDS}. Prints "sent N" on stdout once every request is written, then one summary
 * line: {@code answered=.. ok=.. non200=.. failed=.. unanswered=.. codes={..}}. Exit code 0 when
 * all N were answered 200.
 */
public final class HeldClient {
  static final int MAX_PENDING_CONNECTS = 256;

  static final class Conn {
    final SocketChannel ch;
    final ByteBuffer out;
    final ByteBuffer in = ByteBuffer.allocate(16);
    boolean connecting;

    Conn(SocketChannel ch, ByteBuffer out) {
      this.ch = ch;
      this.out = out;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: HeldClient ADDRESS PORT HOST N DEADLINE_SECONDS");
      System.exit(2);
    }
    InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    byte[] request =
        ("GET / HTTP/1.1\r\nHost: " + args[2] + "\r\nUser-Agent: held-client\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    int n = Integer.parseInt(args[3]);
    long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;

    Selector selector = Selector.open();
    int started = 0;
    int pendingConnects = 0;
    int sent = 0;
    int ok = 0;
    int failed = 0;
    Map<Integer, Integer> codes = new TreeMap<>();
    boolean announced = false;
    long nextProgress = System.nanoTime() + 1_000_000_000L;

    while (ok + failed + sumNon200(codes) < n && System.nanoTime() < deadline) {
      while (started < n && pendingConnects < MAX_PENDING_CONNECTS) {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Conn c = new Conn(ch, ByteBuffer.wrap(request));
        started++;
        if (ch.connect(target)) {
          ch.register(selector, SelectionKey.OP_WRITE, c);
        } else {
          pendingConnects++;
          c.connecting = true;
          ch.register(selector, SelectionKey.OP_CONNECT, c);
        }
      }
      selector.select(100);
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey k = it.next();
        it.remove();
        Conn c = (Conn) k.attachment();
        try {
          if (k.isConnectable()) {
            if (c.ch.finishConnect()) {
              c.connecting = false;
              pendingConnects--;
              k.interestOps(SelectionKey.OP_WRITE);
            }
          } else if (k.isWritable()) {
            c.ch.write(c.out);
            if (!c.out.hasRemaining()) {
              sent++;
              k.interestOps(SelectionKey.OP_READ);
            }
          } else if (k.isReadable()) {
            int r = c.ch.read(c.in);
            if (r < 0) {
              failed++;
              close(k, c);
            } else if (!c.in.hasRemaining()) {
              // "HTTP/1.1 200 ": the status is all we need
              String line = new String(c.in.array(), 0, 12, StandardCharsets.US_ASCII);
              int code = line.startsWith("HTTP/1.") ? parse(line.substring(9, 12)) : -1;
              if (code == 200) {
                ok++;
              } else {
                codes.merge(code, 1, Integer::sum);
              }
              close(k, c);
            }
          }
        } catch (IOException e) {
          if (c.connecting) {
            c.connecting = false;
            pendingConnects--;
          }
          failed++;
          close(k, c);
        }
      }
      if (!announced && sent == n) {
        System.out.println("sent " + n);
        System.out.flush();
        announced = true;
      }
      if (System.nanoTime() > nextProgress) {
        System.err.printf(
            "held-client: started %d, sent %d, answered %d (200: %d), failed %d%n",
            started, sent, ok + sumNon200(codes), ok, failed);
        nextProgress += 1_000_000_000L;
      }
    }
    int non200 = sumNon200(codes);
    int unanswered = n - ok - non200 - failed;
    System.out.printf(
        "answered=%d ok=%d non200=%d failed=%d unanswered=%d codes=%s%n",
        ok + non200, ok, non200, failed, unanswered, codes);
    System.exit(ok == n ? 0 : 1);
  }

  static int sumNon200(Map<Integer, Integer> codes) {
    int s = 0;
    for (int v : codes.values()) {
      s += v;
    }
    return s;
  }

  static int parse(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static void close(SelectionKey k, Conn c) {
    k.cancel();
    try {
      c.ch.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
