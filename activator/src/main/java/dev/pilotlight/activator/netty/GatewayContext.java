package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayConfig;
import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.activator.routing.RouteSelector;
import dev.pilotlight.activator.stats.StatReporter;
import dev.pilotlight.activator.throttle.ThrottlerRegistry;
import dev.pilotlight.activator.upstream.UpstreamPool;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;

/**
 * What every connection's handlers share: routing, throttlers, stats, pools (HTTP/1.1 connections
 * and HTTP/2 connections to h2c instances), settings, the open client connections (closed together
 * on shutdown) and the gateway's {@link Drain}.
 */
public record GatewayContext(
    GatewayConfig config,
    Ticker ticker,
    RouteSelector routes,
    ThrottlerRegistry throttlers,
    StatReporter stats,
    StatSink statSink,
    UpstreamPool pool,
    H2Upstream h2,
    Class<? extends Channel> clientChannelType,
    GatewayMetrics metrics,
    ChannelGroup connections,
    Drain drain) {

  /** A bootstrap for a connection to an instance on {@code loop}: connect timeout, no Nagle. */
  Bootstrap upstreamBootstrap(EventLoop loop) {
    return new Bootstrap()
        .group(loop)
        .channel(clientChannelType)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.upstreamConnectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true);
  }
}
