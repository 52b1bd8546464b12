package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import com.hazelcast.config.Config;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The services share no objects: the control plane (store, scheduler, gateway) in one clustered
 * Vert.x instance and the node-side services in another, joined by Hazelcast on loopback, run a
 * service driven by the real docker CLI.
 */
class ClusteredSuiteIT {
  @TempDir Path dataDir;
  private Vertx control;
  private Vertx node;
  private NodeIdentity id;

  private static Vertx clustered(String clusterName) throws Exception {
    Config hz = new Config().setClusterName(clusterName);
    hz.getNetworkConfig().setPort(5701).setPortAutoIncrement(true);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    hz.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
        .withClusterManager(new HazelcastClusterManager(hz))
        .buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Vertx v : new Vertx[] {node, control}) {
      if (v != null) v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (id != null) DockerCli.removeTaskContainers(id.nodeId());
  }

  @Test
  void controlPlaneAndNodeMeetOnTheClusteredBus() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    String image = DockerCli.testImage();
    String cluster = "enxame-it-" + UUID.randomUUID();
    control = clustered(cluster);
    node = clustered(cluster);
    id = NodeIdentity.loadOrCreate(dataDir);
    UpOptions options = new UpOptions(dataDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    Suite.Manager m = Suite.manager(control, options, id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Suite.node(node, id, "127.0.0.1", "127.0.0.1:" + m.dispatcherPort(), null, dataDir)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

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
    assertThat(logLineAcrossTheCluster(cli)).startsWith("hello from ");
    cli.run("service", "rm", "clustered").ok();
  }

  /** A log reader on the other instance: lines (bytes inside JSON) cross Hazelcast to it. */
  private String logLineAcrossTheCluster(DockerCli cli) throws Exception {
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
