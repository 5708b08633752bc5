package dev.pilotlight.loadtest.generator;

import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.loadtest.record.LatencyRecorder;
import dev.pilotlight.loadtest.schedule.Phase;
import dev.pilotlight.loadtest.schedule.SendSchedule;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 load generator on one Netty event loop (one core), with keep-alive connections.
 *
 * <p>Open loop ({@link #runOpen}): requests leave at the schedule's intended times whatever the
 * server does; a request that finds no free connection waits for one (or a new one, up to the
 * connection bound), and its latency still counts from its intended time, so a slow server cannot
 * hide behind a slowed generator. Closed loop ({@link #runClosed}): N connections each send the
 * next request as soon as the previous is answered. A burst ({@link #runBurst}): N requests at
 * once, each on its own connection. Responses are read as they stream in (bodies are counted, not
 * kept): latency ends at the last byte, time to first byte at the status line. Every run ends by
 * itself: at the schedule's end plus at most one request timeout. All state is confined to the
 * event loop.
 */
public final class LoadGenerator implements AutoCloseable {
  /**
   * Requests waiting for a connection beyond this are dropped and counted: the generator is
   * saturated.
   */
  static final int MAX_PENDING = 1_000_000;

  private final Target target;
  private final Ticker ticker;
  private final int maxConnections;
  private final Duration timeout;
  private final LatencyRecorder recorder;

  /** Native epoll when available: its timers have microsecond precision, NIO's milliseconds. */
  private static final boolean EPOLL = Epoll.isAvailable();

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          1, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  private final EventLoop loop = group.next();

  /** Every request is the same GET: encoded once, sent as a view of these bytes. */
  private final ByteBuf request;

  private final ArrayDeque<Conn> idle = new ArrayDeque<>();
  private final ArrayDeque<Long> pending = new ArrayDeque<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private SendSchedule schedule;
  private long startNanos;
  private long nextIntended = -1;
  private long closedLoopEnd = -1;
  private int open;
  private int inFlight;
  private int seconds;
  private ScheduledFuture<?> intervals;
  private volatile long lastResponseNanos = -1;

  public LoadGenerator(
      Target target,
      Ticker ticker,
      int maxConnections,
      Duration timeout,
      LatencyRecorder recorder) {
    this.target = target;
    this.ticker = ticker;
    this.maxConnections = maxConnections;
    this.timeout = timeout;
    this.recorder = recorder;
    byte[] head =
        ("GET "
                + target.path()
                + " HTTP/1.1\r\nHost: "
                + target.hostHeader()
                + "\r\nUser-Agent: pilotlight-loadtest\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    this.request = Unpooled.unreleasableBuffer(Unpooled.directBuffer(head.length).writeBytes(head));
  }

  /**
   * Sends on the schedule of {@code phases}; completes when every request is answered or timed out.
   */
  public CompletableFuture<Void> runOpen(List<Phase> phases) {
    loop.execute(
        () -> {
          begin();
          schedule = new SendSchedule(phases);
          nextIntended = schedule.next();
          pace();
        });
    return done;
  }

  /** Keeps {@code concurrency} requests in flight for {@code duration}. */
  public CompletableFuture<Void> runClosed(int concurrency, Duration duration) {
    loop.execute(
        () -> {
          begin();
          closedLoopEnd = duration.toNanos();
          for (int i = 0; i < concurrency; i++) {
            dispatch(elapsed());
          }
        });
    return done;
  }

  /**
   * Sends {@code requests} requests at once, each on a new connection (up to the connection bound;
   * the rest wait for the first free one); completes when every one is answered or timed out.
   */
  public CompletableFuture<Void> runBurst(int requests) {
    loop.execute(
        () -> {
          begin();
          for (int i = 0; i < requests; i++) {
            dispatch(0);
          }
          maybeDone();
        });
    return done;
  }

  /**
   * When the last response so far completed, in {@link Ticker#nanoTime()} terms; -1 before the
   * first. Safe to read from any thread.
   */
  public long lastResponseNanos() {
    return lastResponseNanos;
  }

  /** When the run began, in {@link Ticker#nanoTime()} terms; valid once a run has started. */
  public long startNanos() {
    return startNanos;
  }

  private void begin() {
    startNanos = ticker.nanoTime();
    intervals =
        loop.scheduleAtFixedRate(() -> recorder.interval(++seconds), 1, 1, TimeUnit.SECONDS);
  }

  private long elapsed() {
    return ticker.nanoTime() - startNanos;
  }

  /** Sends every request that is due, then sleeps until the next one. */
  private void pace() {
    long now = elapsed();
    while (nextIntended >= 0 && nextIntended <= now) {
      dispatch(nextIntended);
      nextIntended = schedule.next();
    }
    if (nextIntended >= 0) {
      loop.schedule(this::pace, nextIntended - now, TimeUnit.NANOSECONDS);
    } else {
      maybeDone();
    }
  }

  private void dispatch(long intended) {
    Conn c = idle.pollLast();
    if (c != null) {
      c.send(intended);
    } else if (open < maxConnections) {
      connect(intended);
    } else if (pending.size() < MAX_PENDING) {
      pending.add(intended);
    } else {
      recorder.error("dropped: generator saturated", 0, false);
    }
  }

  private void connect(long intended) {
    open++;
    inFlight++;
    Conn conn = new Conn();
    new Bootstrap()
        .group(loop)
        .channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpResponseDecoder()).addLast(conn);
              }
            })
        .connect(target.host(), target.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  inFlight--;
                  if (f.isSuccess()) {
                    conn.send(intended);
                  } else {
                    open--;
                    recorder.error(classify(f.cause()), elapsed() - intended, false);
                    afterRequest();
                  }
                });
  }

  /** After any request ends: feed the closed loop, or a waiting request, or finish. */
  private void afterRequest() {
    if (closedLoopEnd >= 0 && elapsed() < closedLoopEnd) {
      dispatch(elapsed());
      return;
    }
    if (!pending.isEmpty() && open < maxConnections) {
      connect(pending.poll());
    }
    maybeDone();
  }

  private void maybeDone() {
    boolean scheduleOver = closedLoopEnd >= 0 ? elapsed() >= closedLoopEnd : nextIntended < 0;
    if (scheduleOver && inFlight == 0 && pending.isEmpty() && !done.isDone()) {
      intervals.cancel(false);
      recorder.interval(++seconds);
      for (Conn c : idle) {
        c.close();
      }
      idle.clear();
      done.complete(null);
    }
  }

  private static String classify(Throwable cause) {
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof IOException) {
      return "connection reset";
    }
    return cause.getClass().getSimpleName();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** One keep-alive connection and the request on it. */
  private final class Conn extends SimpleChannelInboundHandler<HttpObject> {
    private Channel channel;
    private boolean closed;
    private long intended = -1;
    private ScheduledFuture<?> deadline;
    private int status;
    private boolean keepAlive;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel(); // before the connect listener runs, which is before channelActive
    }

    void send(long intendedNanos) {
      intended = intendedNanos;
      inFlight++;
      deadline = loop.schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
      channel.writeAndFlush(request.retainedDuplicate(), channel.voidPromise());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (intended < 0) {
        return;
      }
      if (msg instanceof HttpResponse head) {
        status = head.status().code();
        keepAlive = HttpUtil.isKeepAlive(head);
        recorder.firstByte(elapsed() - intended);
      }
      if (!(msg instanceof LastHttpContent)) {
        return;
      }
      long now = elapsed();
      lastResponseNanos = startNanos + now;
      long latency = now - intended;
      if (status < 400) {
        recorder.success(latency);
      } else {
        recorder.error("status " + status, latency, true);
      }
      finish();
      if (keepAlive) {
        idle.add(this);
        if (!pending.isEmpty()) {
          idle.pollLast().send(pending.poll());
          return;
        }
      } else {
        close();
      }
      afterRequest();
    }

    private void timedOut() {
      if (intended < 0) {
        return;
      }
      recorder.error("timeout", elapsed() - intended, false);
      finish();
      close();
      afterRequest();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      idle.remove(this);
      if (!closed) {
        closed = true; // closed by the server
        open--;
      }
      if (intended >= 0) {
        recorder.error("connection reset", elapsed() - intended, false);
        finish();
        afterRequest();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private void finish() {
      intended = -1;
      inFlight--;
      if (deadline != null) {
        deadline.cancel(false);
      }
    }

    void close() {
      if (!closed) {
        closed = true;
        open--;
        if (channel != null) {
          channel.close();
        }
      }
    }
  }
}
