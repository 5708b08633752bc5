package dev.pilotlight.activator;

import dev.pilotlight.activator.netty.AcceptGate;
import dev.pilotlight.activator.netty.Drain;
import dev.pilotlight.activator.netty.GatewayContext;
import dev.pilotlight.activator.netty.GatewayInitializer;
import dev.pilotlight.activator.netty.H2Upstream;
import dev.pilotlight.activator.netty.Transport;
import dev.pilotlight.activator.probe.RevisionProbing;
import dev.pilotlight.activator.routing.RouteSelector;
import dev.pilotlight.activator.stats.StatReporter;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.activator.throttle.ThrottlerRegistry;
import dev.pilotlight.activator.upstream.UpstreamPool;
import dev.pilotlight.api.spi.EndpointsListener;
import dev.pilotlight.api.spi.InstanceLoad;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTableListener;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The gateway: routes by Host to revisions by weight, proxies to ready instances within their
 * concurrency limit, holds requests while a revision has no capacity (poking the autoscaler) and
 * reports concurrency every second. Route table and endpoints are pushed in by the controller.
 *
 * <p>Instances published as starting are probed by the gateway itself (every 100 ms, see {@link
 * RevisionProbing}): one that answers is routed to at once, before the runtime reports it ready.
 *
 * <p>A revision's reserve instance (the pilot light) is routed to only while it has no ready
 * standard instance; a request it takes then pokes the autoscaler, so standard instances start
 * behind it (see {@link RevisionThrottler}).
 */
public final class Gateway
    implements RouteTableListener, EndpointsListener, InstanceLoad, AutoCloseable {
  /**
   * Idle keep-alive connections kept per instance and event loop: above the client connections an
   * event loop carries under load, so the pool does not churn connections.
   */
  static final int UPSTREAM_IDLE_PER_INSTANCE = 1024;

  private final GatewayConfig config;
  private final Ticker ticker;
  private final RouteSelector routes =
      new RouteSelector(bound -> ThreadLocalRandom.current().nextInt(bound));
  private final ThrottlerRegistry throttlers;
  private final Map<RevisionKey, RevisionProbing> probings = new ConcurrentHashMap<>();
  private final StatReporter stats;
  private final StatSink statSink;
  private final GatewayMetrics metrics;
  private final MetricsExposition exposition;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Transport transport;
  private final GatewayContext context;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Drain drain = new Drain();
  private Channel server;
  private Channel tlsServer;

  public Gateway(GatewayConfig config, StatSink statSink, Ticker ticker) {
    this.config = config;
    this.ticker = ticker;
    this.stats = new StatReporter(ticker, statSink);
    this.statSink = statSink;
    this.throttlers = new ThrottlerRegistry(this::newThrottler, ticker);
    this.metrics =
        new GatewayMetrics(sink -> throttlers.forEach((k, t) -> sink.accept(k, t.queued())));
    this.exposition = new MetricsExposition(metrics.registry());
    this.transport = config.transport().resolve();
    this.boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    // one event loop per CPU, like nginx's worker_processes auto: more loops than CPUs only adds
    // context switches and splits the batches each epoll_wait returns
    int loops =
        config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
    this.workers = new MultiThreadIoEventLoopGroup(loops, transport.ioHandlerFactory());
    this.context =
        new GatewayContext(
            config,
            ticker,
            routes,
            throttlers,
            this.stats,
            statSink,
            new UpstreamPool(UPSTREAM_IDLE_PER_INSTANCE),
            new H2Upstream(),
            transport.socketChannel(),
            metrics,
            connections,
            drain);
  }

  /** The transport the event loops run on ({@link GatewayConfig#transport()} resolved). */
  public Transport transport() {
    return transport;
  }

  /** Binds and starts serving; returns the bound port. */
  public int start() throws InterruptedException {
    return start(null);
  }

  /**
   * Binds and starts serving, the plain port's connections handled by {@code plainPort} instead of
   * the proxy when given (Knative's {@code http-protocol: Redirected}: a redirect to https).
   */
  public int start(io.netty.channel.ChannelHandler plainPort) throws InterruptedException {
    Class<? extends ServerChannel> serverType = transport.serverChannel();
    server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(serverType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .handler(
                new AcceptGate(config.clientLimits().effectiveMaxConnections(), metrics, ticker))
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(plainPort != null ? plainPort : new GatewayInitializer(context))
            .bind(new InetSocketAddress(config.bindHost(), config.port()))
            .sync()
            .channel();
    long interval = config.statInterval().toNanos();
    workers
        .next()
        .scheduleAtFixedRate(this.stats::report, interval, interval, TimeUnit.NANOSECONDS);
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Binds the TLS port ({@code port} 0: any free one) on the same address and event loops: its
   * connections start with {@code tls}'s handlers, then are served as the plain port's. Call after
   * {@link #start()}; returns the bound port.
   */
  public int startTls(int port, GatewayInitializer.TlsHandlers tls) throws InterruptedException {
    tlsServer =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .handler(
                new AcceptGate(config.clientLimits().effectiveMaxConnections(), metrics, ticker))
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new GatewayInitializer(context, tls))
            .bind(new InetSocketAddress(config.bindHost(), port))
            .sync()
            .channel();
    return ((InetSocketAddress) tlsServer.localAddress()).getPort();
  }

  @Override
  public void onRouteTable(RouteTable table) {
    routes.update(table);
  }

  @Override
  public void onEndpoints(RevisionEndpoints endpoints) {
    probings
        .computeIfAbsent(
            endpoints.revision(),
            k ->
                new RevisionProbing(
                    throttlers.published(k), workers.next(), context.clientChannelType(), ticker))
        .published(endpoints);
  }

  @Override
  public void onRevisionRemoved(RevisionKey revision) {
    RevisionProbing p = probings.remove(revision);
    if (p != null) {
      p.close();
    }
    throttlers.remove(revision);
    stats.forget(revision);
    metrics.forget(revision);
  }

  public GatewayMetrics.Snapshot metrics() {
    return metrics.snapshot();
  }

  /** This gateway's Prometheus series ({@link GatewayMetrics}), for {@code GET /metrics}. */
  public MetricsExposition exposition() {
    return exposition;
  }

  /** This gateway's registry, to expose with other components' ({@link MetricsExposition}). */
  public io.prometheus.metrics.model.registry.PrometheusRegistry registry() {
    return metrics.registry();
  }

  /** Whether the gateway is still probing starting instances of {@code revision}. */
  public boolean probing(RevisionKey revision) {
    RevisionProbing p = probings.get(revision);
    return p != null && p.active();
  }

  /** Requests in flight to one instance of {@code revision}, for draining it before a stop. */
  @Override
  public int inFlight(RevisionKey revision, String instanceId) {
    RevisionThrottler t = throttlers.get(revision);
    return t == null ? 0 : t.inFlight(instanceId);
  }

  /** This gateway's place among the replicas that share instances' capacity. */
  public record Replicas(int index, int count) {
    public static final Replicas ONE = new Replicas(0, 1);

    public Replicas {
      if (count < 1 || index < 0 || index >= count) {
        throw new IllegalArgumentException("replica " + index + " of " + count);
      }
    }
  }

  private volatile Replicas replicas = Replicas.ONE;

  /**
   * This gateway is one of several replicas in front of the same instances: from now on it sends
   * each instance at most its share of the instance's {@code containerConcurrency} ({@link
   * dev.pilotlight.activator.throttle.CapacityShare}), so the replicas together never exceed it.
   */
  public synchronized void replicas(Replicas next) {
    if (next.equals(replicas)) {
      return;
    }
    replicas = next;
    throttlers.replicas(next.index(), next.count());
  }

  public Replicas replicas() {
    return replicas;
  }

  /** Requests of {@code revision} held now, waiting for capacity. */
  public int held(RevisionKey revision) {
    RevisionThrottler t = throttlers.get(revision);
    return t == null ? 0 : t.queued();
  }

  private RevisionThrottler newThrottler(RevisionKey revision) {
    return new RevisionThrottler(
        config.maxHeldPerRevision(),
        Duration.ofSeconds(300),
        bound -> ThreadLocalRandom.current().nextInt(bound),
        ticker,
        () -> statSink.poke(revision));
  }

  /**
   * Starts draining while still accepting and serving (the drain delay, while the endpoints drop
   * this replica): HTTP/1.1 responses say {@code Connection: close} and their connections close
   * after them, HTTP/2 connections get a GOAWAY ({@link Drain}). Idempotent; {@link #close()}
   * starts it too.
   */
  public void startDraining() {
    if (!drain.active()) {
      drain.start(connections);
    }
  }

  /** Whether {@link #startDraining()} was called. */
  public boolean draining() {
    return drain.active();
  }

  /**
   * Drains, then stops: stops accepting, closes idle connections, lets requests in flight and held
   * finish for up to the configured grace; when the grace is over, requests still held get 503 with
   * {@code Retry-After} (never dropped unanswered), then every connection closes.
   */
  @Override
  public void close() {
    startDraining();
    if (tlsServer != null) {
      tlsServer.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      drain.closeIdle(connections);
      long end = ticker.nanoTime() + config.drainGrace().toNanos();
      waitUntil(() -> metrics.inFlight() == 0, end);
      // the grace is over: requests still held get their 503s (the in-flight count includes them,
      // and drops as each is answered); requests still proxied after that are cut off
      int answering = heldNow();
      long leftAfter = metrics.inFlight() - answering;
      throttlers.forEach((k, t) -> t.stopHolding());
      if (answering > 0) {
        waitUntil(
            () -> metrics.inFlight() <= leftAfter, ticker.nanoTime() + TimeUnit.SECONDS.toNanos(2));
      }
      connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    probings.values().forEach(RevisionProbing::close);
    // a short quiet period: the reads cancelled by the closes complete (and free their buffers)
    // before the event loops end
    boss.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS);
    workers
        .shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private int heldNow() {
    int[] held = {0};
    throttlers.forEach((k, t) -> held[0] += t.queued());
    return held[0];
  }

  private void waitUntil(BooleanSupplier done, long deadlineNanos) {
    while (!done.getAsBoolean() && ticker.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
