package dev.pilotlight.activator.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The I/O transport the gateway's event loops, listeners and upstream connections use: one choice
 * for all of them, since a channel can only be registered with a loop of its own transport.
 *
 * <p>{@link #AUTO} picks the first one this host can run, in the order io_uring, epoll, NIO. Under
 * load io_uring hands the sends of a whole loop iteration to the kernel in one system call and
 * receives in the kernel's task work rather than a {@code recvfrom} each, and system calls are
 * where a proxy spends most of its CPU; it is missing on older kernels and refused by the default
 * seccomp profiles of containerd 2.0 and Docker 25 on, where epoll takes over.
 */
public enum Transport {
  IO_URING(
      "io_uring",
      IoUring::isAvailable,
      IoUringIoHandler::newFactory,
      IoUringSocketChannel.class,
      IoUringServerSocketChannel.class),
  EPOLL(
      "epoll",
      Epoll::isAvailable,
      EpollIoHandler::newFactory,
      EpollSocketChannel.class,
      EpollServerSocketChannel.class),
  NIO(
      "nio",
      () -> true,
      NioIoHandler::newFactory,
      NioSocketChannel.class,
      NioServerSocketChannel.class),
  AUTO("auto", () -> true, null, null, null);

  /** Netty's switch for io_uring's multishot accepts, read once when its io_uring classes load. */
  static final String ACCEPT_MULTISHOT = "io.netty.iouring.acceptMultiShotEnabled";

  static {
    // single-shot accepts, unless told otherwise: a multishot accept that fails (out of
    // descriptors) is re-armed by the transport whatever auto-read says, so the listener's pause
    // (AcceptGate) would not hold and the loop would spin on the failure. One accept per
    // connection is no cost to a proxy whose connections live for many requests.
    if (System.getProperty(ACCEPT_MULTISHOT) == null) {
      System.setProperty(ACCEPT_MULTISHOT, "false");
    }
  }

  private final String label;
  private final BooleanSupplier available;
  private final Supplier<IoHandlerFactory> handlers;
  private final Class<? extends SocketChannel> socket;
  private final Class<? extends ServerChannel> server;

  Transport(
      String label,
      BooleanSupplier available,
      Supplier<IoHandlerFactory> handlers,
      Class<? extends SocketChannel> socket,
      Class<? extends ServerChannel> server) {
    this.label = label;
    this.available = available;
    this.handlers = handlers;
    this.socket = socket;
    this.server = server;
  }

  /**
   * This transport if it is concrete, or the first available one for {@link #AUTO}.
   *
   * @throws IllegalStateException when a concrete transport was asked for and this host cannot run
   *     it (the reason Netty gives is included)
   */
  public Transport resolve() {
    if (this == AUTO) {
      for (Transport t : new Transport[] {IO_URING, EPOLL}) {
        if (t.available.getAsBoolean()) {
          return t;
        }
      }
      return NIO;
    }
    if (!available.getAsBoolean()) {
      throw new IllegalStateException(
          "transport " + label + " is not available on this host: " + unavailability());
    }
    return this;
  }

  private Throwable unavailability() {
    return switch (this) {
      case IO_URING -> IoUring.unavailabilityCause();
      case EPOLL -> Epoll.unavailabilityCause();
      default -> null;
    };
  }

  /** Parses {@code auto}, {@code io_uring}, {@code epoll} or {@code nio} (case-insensitive). */
  public static Transport parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (Transport value : values()) {
      if (value.label.equals(t)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "transport: must be one of auto, io_uring, epoll, nio (was '" + text + "')");
  }

  public IoHandlerFactory ioHandlerFactory() {
    return concrete().handlers.get();
  }

  public Class<? extends SocketChannel> socketChannel() {
    return concrete().socket;
  }

  public Class<? extends ServerChannel> serverChannel() {
    return concrete().server;
  }

  public String label() {
    return label;
  }

  private Transport concrete() {
    if (this == AUTO) {
      throw new IllegalStateException("resolve() the auto transport first");
    }
    return this;
  }

  @Override
  public String toString() {
    return label;
  }
}
