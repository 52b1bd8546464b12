package io.enxame.deploy;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.dispatcher.IssueNodeCertificateRequest;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The services share no objects and meet on a clustered bus (Hazelcast on loopback, the bus itself mutual TLS with
 * the swarm's certificates): the control plane and the node-side services in two Vert.x instances run a service
 * driven by the real docker CLI; a gateway in its own instance ({@code enxame api-gateway}) joins a manager's bus with
 * the manager token and serves the Docker API; a process with a worker's certificate, a user's, or none, that reaches
 * Hazelcast cannot use the bus.
 */
class ClusteredSuiteIT {
  @TempDir Path dataDir;
  @TempDir Path gatewayDir;
  @TempDir Path intruderDir;
  private final List<Vertx> instances = new ArrayList<>();
  private NodeIdentity id;

  private Vertx clustered(int port, List<String> seeds, NodeTls tls) throws Exception {
    Vertx v = ClusteredBus.start("127.0.0.1", port, seeds, tls).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    instances.add(v);
    return v;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = instances.size() - 1; i >= 0; i--) instances.get(i).close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (id != null) DockerCli.removeTaskContainers(id.nodeId());
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void controlPlaneAndNodeMeetOnTheClusteredBus() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    String image = DockerCli.testImage();
    id = NodeIdentity.loadOrCreate(dataDir);
    UpOptions options = new UpOptions(dataDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    NodeTls bus = Suite.busCertificate(options, id);
    int hz = Ports.free();
    Vertx control = clustered(hz, List.of(), bus);
    Vertx node = clustered(Ports.free(), List.of("127.0.0.1:" + hz), bus);
    Suite.Manager m = await(Suite.manager(control, options, id));
    await(Suite.node(node, id, "127.0.0.1", "127.0.0.1:" + m.dispatcherPort(), null, dataDir, null));

    // The node-side instance reaches the store only across the cluster.
    List<?> nodes = new StoreClient(node.eventBus()).list(Kind.NODES).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(nodes).hasSize(1);

    DockerCli cli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + m.gatewayPort());
    Eventually.until("the node to be ready", Duration.ofSeconds(30), () -> cli.run("node", "ls").ok().out(), o -> o.contains("Ready"));
    assertThat(cli.run("service", "create", "--name", "clustered", "--replicas", "2", "--init", "--update-monitor", "1s",
        image, "sh", "-c", "echo hello from $(hostname); sleep 300").ok().out()).contains("converged");
    assertThat(cli.run("service", "ls").ok().out()).containsPattern("clustered\\s+replicated\\s+2/2");
    assertThat(cli.run("service", "logs", "--raw", "clustered").ok().out().lines().filter(l -> l.startsWith("hello from ")).count())
        .isEqualTo(2);
    assertThat(logLineAcrossTheCluster(node, cli)).startsWith("hello from ");
    cli.run("service", "rm", "clustered").ok();
  }

  @Test
  void aGatewayProcessJoinsTheManagersBusWithTheManagerToken() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    String image = DockerCli.testImage();
    // The manager as enxame up --cluster-port runs it.
    int hz = Ports.free();
    id = NodeIdentity.loadOrCreate(dataDir);
    UpOptions up = new UpOptions(dataDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null, 0, UpOptions.NO_BRIDGE, hz, null);
    Vertx manager = clustered(hz, List.of(), Suite.busCertificate(up, id));
    Suite.Manager m = await(Suite.up(manager, up, id));
    DockerCli managerCli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + m.gatewayPort());
    String dispatcher = "127.0.0.1:" + m.dispatcherPort();
    String cluster = "127.0.0.1:" + hz;

    // A worker token does not make a control-plane service, and nothing is kept.
    String workerToken = managerCli.run("swarm", "join-token", "-q", "worker").ok().out().trim();
    assertThatThrownBy(() -> await(GatewayProcess.start(gatewayOptions(workerToken, dispatcher, cluster))))
        .hasMessageContaining("a control-plane service joins with the manager join token");
    assertThat(gatewayDir.resolve(NodeTls.DIR)).doesNotExist();

    String managerToken = managerCli.run("swarm", "join-token", "-q", "manager").ok().out().trim();
    GatewayProcess.Started g = await(GatewayProcess.start(gatewayOptions(managerToken, dispatcher, cluster)));
    instances.add(g.vertx());
    assertThat(g.componentId()).startsWith(NodeTls.COMPONENT_PREFIX + "api-gateway-");
    assertThat(g.managerNodeId()).isEqualTo(id.nodeId());
    // No node object for it: docker node ls still shows the one node.
    assertThat(managerCli.run("node", "ls", "-q").ok().out().trim().lines()).containsExactly(id.nodeId());

    DockerCli cli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + g.port());
    assertThat(cli.run("info", "--format", "{{.Swarm.NodeID}} {{.Swarm.ControlAvailable}}").ok().out().trim())
        .isEqualTo(id.nodeId() + " true");
    assertThat(cli.run("service", "create", "--name", "viagw", "--replicas", "1", "--init", image, "sleep", "300").ok().out())
        .contains("converged");
    assertThat(managerCli.run("service", "ls").ok().out()).containsPattern("viagw\\s+replicated\\s+1/1");
    // Its events come across the bus too.
    String until = String.valueOf(System.currentTimeMillis() / 1000 + 1);
    Eventually.until("until to pass", Duration.ofSeconds(5), () -> System.currentTimeMillis() / 1000, now -> now > Long.parseLong(until));
    assertThat(cli.run("events", "--since", "0", "--until", until, "--filter", "type=service", "--format", "{{.Action}} {{.Actor.Attributes.name}}")
        .ok().out()).contains("create viagw");
    cli.run("service", "rm", "viagw").ok();

    // A process with a worker's certificate of this swarm, or with no certificate, reaches Hazelcast but not the bus.
    NodeJoin.Certified worker = await(NodeJoin.certify(manager, workerToken, dispatcher, IssueNodeCertificateRequest.newBuilder()
        .setHostname("intruder").setAddr("127.0.0.1")));
    NodeTls intruderTls = NodeTls.inDataDir(intruderDir);
    ControlPlaneCertificates.save(intruderTls, worker.ca(), worker.keys(), worker.issued().getCertificate());
    assertRefused(clustered(Ports.free(), List.of(cluster), intruderTls));
    // Nor does the user's client bundle, a manager-role certificate from the swarm's root.
    assertRefused(clustered(Ports.free(), List.of(cluster), ControlPlaneCertificates.bundle(dataDir)));
    Vertx plain = Vertx.builder().with(new io.vertx.core.VertxOptions().setEventBusOptions(
            new io.vertx.core.eventbus.EventBusOptions().setHost("127.0.0.1")))
        .withClusterManager(new io.vertx.spi.cluster.hazelcast.HazelcastClusterManager(plainHazelcast(cluster)))
        .buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    instances.add(plain);
    assertRefused(plain);
    // The gateway process is still served (the manager and the worker the intruder's certificate made).
    assertThat(new StoreClient(g.vertx().eventBus()).list(Kind.NODES).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasSize(2);
  }

  private GatewayOptions gatewayOptions(String token, String dispatcher, String cluster) {
    return new GatewayOptions(token, dispatcher, cluster, gatewayDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free());
  }

  /** Hazelcast joined to the manager's bus cluster, as ClusteredBus does, with a bus without TLS. */
  private static com.hazelcast.config.Config plainHazelcast(String seed) {
    com.hazelcast.config.Config hz = new com.hazelcast.config.Config().setClusterName("enxame");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.getNetworkConfig().setPort(Ports.free()).setPortAutoIncrement(false);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    hz.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember(seed);
    return hz;
  }

  /** The intruder is a Hazelcast member (it sees the store's address) but no store request gets through. */
  private static void assertRefused(Vertx intruder) {
    assertThatThrownBy(() -> intruder.eventBus().request(Addresses.STORE_LIST, new JsonObject().put("kind", Kind.NODES.wire()),
            new DeliveryOptions().setSendTimeout(3_000)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS))
        .isNotNull();
  }

  /** A log reader on the other instance: lines (bytes inside JSON) cross Hazelcast to it. */
  private String logLineAcrossTheCluster(Vertx node, DockerCli cli) throws Exception {
    String serviceId = cli.run("service", "inspect", "--format", "{{.ID}}", "clustered").ok().out().trim();
    String sub = "clustered" + System.nanoTime();
    java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
    var consumer = node.eventBus().<io.vertx.core.json.JsonObject>consumer(io.enxame.shared.bus.Addresses.logStream(sub), m -> {
      var lines = m.body().getJsonArray("lines");
      if (lines != null && !lines.isEmpty()) {
        first.complete(new String(lines.getJsonObject(0).getBinary("data"), java.nio.charset.StandardCharsets.UTF_8));
      }
      m.reply(null);
    });
    try {
      consumer.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      node.eventBus().request(io.enxame.shared.bus.Addresses.LOGS_SUBSCRIBE, new io.vertx.core.json.JsonObject()
              .put("subscriptionId", sub).put("services", new io.vertx.core.json.JsonArray().add(serviceId)).put("tail", -1L)
              .put("stdout", true).put("stderr", true))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return first.get(20, TimeUnit.SECONDS);
    } finally {
      consumer.unregister();
    }
  }
}
