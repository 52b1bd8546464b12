package io.enxame.gateway;

import io.enxame.gateway.testing.DockerCommand;
import io.enxame.gateway.testing.GatewayFixture;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** MANAGER STATUS comes from the live Raft group, not from what the node object stored when it joined. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ManagerStatusCliIT {
  private static final Path DOCKER = Path.of("/usr/local/bin/docker");

  @TempDir Path dockerConfig;

  @Test
  void theStoreMembersLeaderShowsAsLeaderAndReachable(Vertx vertx) throws Exception {
    assumeTrue(Files.isExecutable(DOCKER), "no docker CLI at " + DOCKER);
    GatewayFixture.Running fixture = GatewayFixture.startWithStore(vertx).await(20, TimeUnit.SECONDS);
    String member = fixture.storeConfig().getString("nodeId");
    JsonObject stale = GatewayFixture.node(member, "manager-store", "manager", "ready");
    stale.getJsonObject("ManagerStatus").put("Leader", false).put("Reachability", "unreachable");
    new StoreClient(vertx.eventBus()).tx(StoreOp.create(Kind.NODES, stale)).await(10, TimeUnit.SECONDS);
    DockerCommand docker = new DockerCommand(DOCKER, fixture.port(), dockerConfig);

    DockerCommand.Result inspect = docker.run("node", "inspect", "--format", "{{.ManagerStatus.Leader}} {{.ManagerStatus.Reachability}}", member);
    assertThat(inspect.out().trim()).as(inspect.toString()).isEqualTo("true reachable");
    DockerCommand.Result ls = docker.run("node", "ls", "--filter", "role=manager", "--format", "{{.Hostname}} {{.ManagerStatus}}");
    assertThat(ls.out()).as(ls.toString()).contains("manager-store Leader");
  }
}
