package io.enxame.mesh;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.dispatcher.RoutesRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The routing mesh of one node. It follows the dispatcher's route table and listens on every published
 * ingress port, forwarding each TCP connection or UDP flow to a running task of the service, on this node or
 * through the mesh of the task's node (an internal port, {@link HopHeader}). The data path runs on its own
 * Netty event loops (epoll where available): proxied bytes never queue behind control-plane work on Vert.x's
 * loops, and the other way round. Config: see {@link MeshConfig}.
 */
public final class MeshVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MeshVerticle.class);

  private final MeshMetrics metrics = new MeshMetrics();
  private final LongAdder refusedHops = new LongAdder();
  private MeshRuntime mesh;
  private PublishedPorts ports;
  private Channel internal;
  private Channel internalUdp;
  private RouteSubscription routes;
  private MessageConsumer<Object> metricsConsumer;
  private MetricsEndpoint metricsEndpoint;

  @Override
  public Future<?> start() {
    MeshConfig config = MeshConfig.fromJson(config());
    Transport transport = Transport.best();
    mesh = new MeshRuntime(config.nodeId(), transport, config.ioThreads(), metrics);
    ports = new PublishedPorts(mesh, config.bindHost());
    metricsConsumer = vertx.eventBus().consumer(Addresses.meshMetrics(config.nodeId()), m -> m.reply(metrics.toJson()));
    return listenInternal(config, 5).compose(v -> metricsConsumer.completion()).compose(v -> config.metricsAddr()
        .map(addr -> MetricsEndpoint.listen(vertx, addr, metrics).onSuccess(e -> metricsEndpoint = e).<Void>mapEmpty())
        .orElse(Future.succeededFuture())).onSuccess(v -> {
      int port = ((InetSocketAddress) internal.localAddress()).getPort();
      RoutesRequest request = RoutesRequest.newBuilder().setNodeId(config.nodeId()).setMeshAddr(config.advertiseAddr() + ":" + port).build();
      routes = new RouteSubscription(vertx, SocketAddress.inetSocketAddress(config.dispatcherPort(), config.dispatcherHost()), config.tls(),
          config.managersFile(), request,
          ports::apply);
      routes.open();
      LOG.info("mesh {} started ({} transport, {} I/O threads), internal port {}{}", config.nodeId(), transport.name(), config.ioThreads(), port,
          metricsEndpoint == null ? "" : ", metrics on " + config.metricsAddr().get().host() + ":" + metricsEndpoint.port());
    }).recover(e -> stop().transform(v -> Future.failedFuture(e))); // not started, so Vert.x will not call stop()
  }

  /**
   * The port other nodes' meshes hand flows to: TCP, and UDP on the same number (peers only know one
   * address, {@code RouteTable.peers}). With an ephemeral port, a number whose UDP side is taken is given up
   * for another.
   */
  private Future<Void> listenInternal(MeshConfig config, int attemptsLeft) {
    var tcp = new ServerBootstrap().group(mesh.group).channel(mesh.transport.server())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HopBackend(mesh, refusedHops));
          }
        })
        .bind(config.bindHost(), config.internalPort());
    internal = tcp.channel();
    return fromNetty(tcp).compose(v -> {
      var udp = new Bootstrap().group(mesh.group).channel(mesh.transport.datagram())
          .handler(new UdpHopBackend(mesh, refusedHops))
          .bind(config.bindHost(), internalPort());
      internalUdp = udp.channel();
      return fromNetty(udp).recover(e -> {
        internal.close();
        if (config.internalPort() != 0 || attemptsLeft <= 1) return Future.failedFuture(e);
        return listenInternal(config, attemptsLeft - 1);
      });
    });
  }

  /** The port of {@code GET /metrics} ({@link MetricsEndpoint}), or -1 when it is off. */
  public int metricsPort() { return metricsEndpoint == null ? -1 : metricsEndpoint.port(); }

  /** This node's counters (also served on {@link Addresses#meshMetrics}). */
  public MeshMetrics metrics() { return metrics; }

  /**
   * Hops from other meshes refused (not a backend of this node, or not a mesh at all): TCP connections and
   * UDP datagrams.
   */
  public long refusedHops() { return refusedHops.sum(); }

  /** The backends a published port ("tcp/8080") routes new flows to now; empty when it is not published. */
  java.util.List<Target> targets(String key) {
    PublishedPort p = ports == null ? null : ports.port(key);
    return p == null ? java.util.List.of() : p.state.balancer.targets();
  }

  /** The internal port, once started. */
  public int internalPort() { return ((InetSocketAddress) internal.localAddress()).getPort(); }

  @Override
  public Future<?> stop() {
    Future<Void> routesClosed = routes == null ? Future.succeededFuture() : routes.close();
    return routesClosed.eventually(() -> {
      ports.closeAll();
      if (internal != null) internal.close();
      if (internalUdp != null) internalUdp.close();
      return fromNetty(mesh.group.shutdownGracefully(0, 2, TimeUnit.SECONDS));
    }).eventually(() -> metricsEndpoint == null ? Future.succeededFuture() : metricsEndpoint.close())
        .eventually(() -> metricsConsumer.unregister());
  }

  /** A Netty future as a Vert.x future completed on this verticle's context. */
  private Future<Void> fromNetty(io.netty.util.concurrent.Future<?> f) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> promise = Promise.promise();
    f.addListener(done -> context.runOnContext(v -> {
      if (done.isSuccess()) promise.complete();
      else promise.fail(done.cause());
    }));
    return promise.future();
  }
}
