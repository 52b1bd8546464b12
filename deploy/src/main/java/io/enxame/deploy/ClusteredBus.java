package io.enxame.deploy;

import com.hazelcast.config.Config;
import io.enxame.shared.net.HostPort;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Vert.x instance on a manager's clustered event bus: Hazelcast finds the members (TCP-IP join to {@code seeds},
 * bound to this process's address only), and the bus itself, where every message travels, is mutual TLS with
 * certificates from the swarm's CA, for control-plane identities only ({@link NodeTls#bus}): a process without one
 * that reaches Hazelcast can neither send on the bus nor receive from it. Each manager has its own bus cluster:
 * managers meet through Raft and the dispatcher, as in Swarm, and a manager's services scale out on its bus.
 *
 * <p>Vert.x builds the bus's TLS from its options' JSON form, so the certificate and the root are PEM files read when
 * the bus starts: they must exist by then ({@link Suite#initialise} makes a new manager's first), and a certificate
 * renewed or a root rotated later serves the bus from the process's next start (the previous certificate stays valid
 * until it expires).
 *
 * <p>Hazelcast's own traffic (membership, the map of which process consumes which address) is not encrypted: TLS
 * for it is a Hazelcast Enterprise feature. It carries addresses, never message bodies.
 */
final class ClusteredBus {
  /** Hazelcast's default port: where {@code enxame api-gateway} looks for a manager's bus by default. */
  static final int DEFAULT_PORT = 5701;
  private static final String CLUSTER_NAME = "enxame";

  private ClusteredBus() {}

  /**
   * @param host  this process's address: Hazelcast and the bus listen there
   * @param port  Hazelcast's port (0: chosen from 5701 up)
   * @param seeds other members' Hazelcast addresses ({@code host:port}); empty for the first
   * @param tls   this process's certificate, key and the swarm's root
   */
  static Future<Vertx> start(String host, int port, List<String> seeds, NodeTls tls) {
    if (!Files.exists(Path.of(tls.certPath())) || !Files.exists(Path.of(tls.caPath()))) {
      return Future.failedFuture(new IllegalStateException("no certificate for the clustered bus in " + Path.of(tls.certPath()).getParent()));
    }
    Config hz = new Config().setClusterName(CLUSTER_NAME);
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // Only on this process's address, not on every interface (Hazelcast's default).
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.getNetworkConfig().setPort(port == 0 ? DEFAULT_PORT : port).setPortAutoIncrement(port == 0);
    // The address itself, not an interface match: a loopback alias such as 127.0.0.2 is no interface's address.
    hz.setProperty("hazelcast.local.localAddress", host);
    hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    var tcp = hz.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true);
    seeds.forEach(s -> tcp.addMember(HostPort.parse(s).toString()));
    if (seeds.isEmpty()) tcp.addMember(host);
    EventBusOptions bus = tls.bus(new EventBusOptions().setHost(host).setPort(0));
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(new HazelcastClusterManager(hz)).buildClustered();
  }
}
