package io.enxame.agent;

import static io.enxame.shared.testing.Blocking.await;
import static io.enxame.shared.testing.Eventually.until;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.enxame.agent.exec.DockerRuntime;
import io.enxame.agent.exec.EngineNetwork;
import io.enxame.shared.dispatcher.Assignments;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.SwarmLabels;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent against the real local Docker engine and a test dispatcher. */
@Timeout(90)
class NodeAgentIT {
  private static final String IMAGE = System.getProperty("enxame.test.image", "enxame-test/busybox:latest");
  private static final String DOCKER_HOST = "unix:///var/run/docker.sock";
  private static final String NODE = "it-agent-" + Ids.newId().substring(0, 8);
  private static DockerClient docker;

  private Vertx vertx;
  private TestDispatcher dispatcher;
  private int port;
  private String agentDeployment;
  /** Swarm networks a test put tasks on, and an engine network of its own: removed after the containers. */
  private final List<String> swarmNetworks = new java.util.ArrayList<>();
  private String foreignNetwork;

  @BeforeAll
  static void dockerClient() {
    docker = DockerClientImpl.getInstance(
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(DOCKER_HOST).withApiVersion(DockerRuntime.DEFAULT_API_VERSION).build(),
        new ApacheDockerHttpClient.Builder().dockerHost(URI.create(DOCKER_HOST)).build());
  }

  @AfterAll
  static void closeDocker() throws Exception {
    docker.close();
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    dispatcher = new TestDispatcher(vertx);
    port = await(dispatcher.listen(0));
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      // The agent leaves first, as it would in production; the dispatcher going first is another test.
      if (agentDeployment != null && vertx.deploymentIDs().contains(agentDeployment)) await(vertx.undeploy(agentDeployment));
      await(vertx.close());
    } finally {
      for (Container c : ownContainers()) {
        try {
          docker.removeContainerCmd(c.getId()).withForce(true).exec();
        } catch (ConflictException removing) {
          // "removal … is already in progress": the agent's own removal of that task, still under way when it stopped.
        } catch (NotFoundException gone) {
          // removed in between
        }
      }
      // Networks go once their last container has.
      until("the node's containers gone", Duration.ofSeconds(30), NodeAgentIT::ownContainers, List::isEmpty);
      for (String swarmId : swarmNetworks) networksOf(swarmId).forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
      if (foreignNetwork != null) docker.removeNetworkCmd(foreignNetwork).exec();
    }
  }

  private Future<String> deployAgent() {
    JsonObject config = new JsonObject().put("nodeId", NODE).put("dispatcher", "127.0.0.1:" + port)
        .put("advertiseAddr", "127.0.0.1").put("dockerHost", DOCKER_HOST);
    return vertx.deployVerticle(new NodeAgentVerticle(), new DeploymentOptions().setConfig(config))
        .onSuccess(id -> agentDeployment = id);
  }

  private static List<Container> ownContainers() {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(SwarmLabels.NODE_ID, NODE)).exec();
  }

  private static List<Container> containersOf(String taskId) {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(SwarmLabels.TASK_ID, taskId)).exec();
  }

  /** The first status of this task in this state, once it arrives. */
  private TaskStatus awaitStatus(String taskId, String state) throws InterruptedException {
    try {
      return until(() -> findStatus(taskId, state), Optional::isPresent).orElseThrow();
    } catch (AssertionError e) {
      throw new AssertionError("no " + state + " status for " + taskId + "; got " + dispatcher.statuses, e);
    }
  }

  private Optional<TaskStatus> findStatus(String taskId, String state) {
    return dispatcher.statuses.stream().filter(s -> s.getTaskId().equals(taskId) && s.getState().equals(state)).findFirst();
  }

  private static JsonObject task(String id, String desired) {
    JsonObject containerSpec = new JsonObject().put("Image", IMAGE).put("Args", new JsonArray().add("sleep").add("300"))
        .put("Init", true).put("StopGracePeriod", 2_000_000_000L).put("Env", new JsonArray().add("ENXAME=1"))
        .put("Labels", new JsonObject().put("it.label", "yes"));
    return new JsonObject().put("ID", id).put("ServiceID", "svc-" + id).put("Slot", 1).put("NodeID", NODE)
        .put("DesiredState", desired)
        .put("Spec", new JsonObject().put("ContainerSpec", containerSpec)
            .put("RestartPolicy", new JsonObject().put("Condition", "any")))
        .put("Status", new JsonObject().put("State", "assigned"))
        .put("ServiceAnnotations", new JsonObject().put("Name", "web"));
  }

  @Test
  void runsATaskAndReportsItsDeath() throws Exception {
    String id = Ids.newId();
    dispatcher.onHello = TestDispatcher.full(task(id, "running"));
    await(deployAgent());

    TaskStatus running = awaitStatus(id, "running");
    assertThat(dispatcher.hellos).hasSize(1);
    JsonObject description = new JsonObject(dispatcher.hellos.get(0).getDescriptionJson());
    assertThat(description.getJsonObject("Platform").getString("OS")).isEqualTo("linux");
    assertThat(description.getJsonObject("Resources").getLong("NanoCPUs")).isPositive();
    assertThat(description.getJsonObject("Engine").getJsonArray("Plugins").encode()).contains("\"Network\"");
    assertThat(dispatcher.statuses.stream().filter(s -> s.getTaskId().equals(id)).map(TaskStatus::getState))
        .containsSubsequence("preparing", "starting", "running");
    assertThat(running.getPid()).isPositive();

    InspectContainerResponse c = docker.inspectContainerCmd(running.getContainerId()).exec();
    assertThat(c.getName()).isEqualTo("/web.1." + id);
    assertThat(c.getState().getRunning()).isTrue();
    assertThat(c.getConfig().getLabels()).containsEntry(SwarmLabels.TASK_ID, id).containsEntry(SwarmLabels.NODE_ID, NODE)
        .containsEntry(SwarmLabels.SERVICE_ID, "svc-" + id).containsEntry(SwarmLabels.SERVICE_NAME, "web")
        .containsEntry(SwarmLabels.TASK_NAME, "web.1." + id).containsEntry("it.label", "yes");
    assertThat(c.getConfig().getCmd()).containsExactly("sleep", "300");
    assertThat(c.getConfig().getEnv()).contains("ENXAME=1");
    assertThat(c.getHostConfig().getInit()).isTrue();
    assertThat(c.getHostConfig().getRestartPolicy().getName()).isIn("no", "");
    until(dispatcher.heartbeats::get, n -> n >= 1);

    docker.killContainerCmd(running.getContainerId()).exec();

    TaskStatus failed = awaitStatus(id, "failed");
    assertThat(failed.getErr()).isEqualTo("task: non-zero exit (137)");
    assertThat(failed.getExitCode()).isEqualTo(137);
    assertThat(failed.getContainerId()).isEqualTo(running.getContainerId());
  }

  @Test
  void shutsDownAndRemovesTasks() throws Exception {
    String id = Ids.newId();
    dispatcher.onHello = TestDispatcher.full(task(id, "running"));
    await(deployAgent());
    String containerId = awaitStatus(id, "running").getContainerId();

    dispatcher.send(TestDispatcher.changed(task(id, "shutdown")));
    awaitStatus(id, "shutdown");
    assertThat(docker.inspectContainerCmd(containerId).exec().getState().getRunning()).isFalse();

    dispatcher.send(Assignments.newBuilder().addRemovedTaskIds(id).build());
    until(() -> containersOf(id), List::isEmpty);
  }

  @Test
  void reAdoptsItsContainersAfterARestart() throws Exception {
    String id = Ids.newId();
    dispatcher.onHello = TestDispatcher.full(task(id, "running"));
    await(deployAgent());
    String containerId = awaitStatus(id, "running").getContainerId();

    await(vertx.undeploy(agentDeployment));
    assertThat(docker.inspectContainerCmd(containerId).exec().getState().getRunning()).isTrue();

    dispatcher.statuses.clear();
    JsonObject recorded = task(id, "running");
    recorded.getJsonObject("Status").put("State", "running");
    dispatcher.onHello = TestDispatcher.full(recorded);
    await(deployAgent());

    assertThat(awaitStatus(id, "running").getContainerId()).isEqualTo(containerId);
    assertThat(containersOf(id)).singleElement().satisfies(c -> assertThat(c.getId()).isEqualTo(containerId));
    assertThat(dispatcher.statuses).filteredOn(s -> s.getTaskId().equals(id)).extracting(TaskStatus::getState).containsOnly("running");
  }

  @Test
  void reconnectsAndResendsStatuses() throws Exception {
    String id = Ids.newId();
    dispatcher.onHello = TestDispatcher.full(task(id, "running"));
    await(deployAgent());
    awaitStatus(id, "running");

    await(dispatcher.close());
    dispatcher.statuses.clear();
    await(dispatcher.listen(port));

    until(() -> dispatcher.hellos.size(), n -> n == 2);
    awaitStatus(id, "running");
    assertThat(containersOf(id)).hasSize(1);
  }

  @Test
  void removesOrphansOnAFullAssignment() throws Exception {
    String kept = Ids.newId();
    String orphan = "orphan-" + Ids.newId();
    String orphanId = docker.createContainerCmd(IMAGE).withName("web.1." + orphan).withCmd("sleep", "300")
        .withLabels(Map.of(SwarmLabels.NODE_ID, NODE, SwarmLabels.TASK_ID, orphan)).exec().getId();
    docker.startContainerCmd(orphanId).exec();

    dispatcher.onHello = TestDispatcher.full(task(kept, "running"));
    await(deployAgent());

    awaitStatus(kept, "running");
    until(() -> containersOf(orphan), List::isEmpty);
    assertThat(containersOf(kept)).hasSize(1);
  }

  @Test
  void joinsItsSwarmNetworkWhereTasksFindEachOtherByServiceName() throws Exception {
    String netId = "itnet" + Ids.newId().substring(0, 12);
    String netName = "it-net-" + netId.substring(5, 13);
    JsonObject network = new JsonObject().put("ID", netId).put("Spec", new JsonObject().put("Name", netName)
        .put("Labels", new JsonObject().put("it", "yes")).put("DriverConfiguration", new JsonObject().put("Name", "overlay")));
    String web = Ids.newId();
    String client = Ids.newId();
    JsonObject webTask = onNetwork(task(web, "running"), network, "web");
    JsonObject clientTask = onNetwork(task(client, "running"), network, "client");
    clientTask.put("Slot", 2);
    swarmNetworks.add(netId);
    dispatcher.onHello = TestDispatcher.full(webTask, clientTask);
      await(deployAgent());

      TaskStatus running = awaitStatus(web, "running");
      assertThat(running.getAddressesList()).singleElement().satisfies(a -> assertThat(a.getNetworkId()).isEqualTo(netId));
      String webIp = running.getAddresses(0).getAddress().replaceFirst("/.*", "");
      List<Network> engineNetworks = networksOf(netId);
      assertThat(engineNetworks).singleElement().satisfies(n -> {
        assertThat(n.getName()).isEqualTo(netName);
        assertThat(n.getLabels()).containsEntry("it", "yes");
      });
      // The engine's DNS answers the service name and tasks.<service> on the network with the task's address.
      String clientContainer = awaitStatus(client, "running").getContainerId();
      for (String name : List.of("web", "tasks.web")) {
        assertThat(exec(clientContainer, "nslookup", name, "127.0.0.11")).contains("Address: " + webIp);
      }

    // The last task leaving takes the engine network with it.
    dispatcher.send(Assignments.newBuilder().addRemovedTaskIds(web).addRemovedTaskIds(client).build());
    until(() -> networksOf(netId), List::isEmpty);
  }

  @Test
  void refusesAnEngineNetworkOfTheSameNameThatIsNotEnxames() throws Exception {
    String netName = "it-foreign-" + Ids.newId().substring(0, 8);
    foreignNetwork = docker.createNetworkCmd().withName(netName).withDriver("bridge").exec().getId();
    String id = Ids.newId();
    JsonObject network = new JsonObject().put("ID", "itnet" + id).put("Spec", new JsonObject().put("Name", netName));
    swarmNetworks.add(network.getString("ID"));
    dispatcher.onHello = TestDispatcher.full(onNetwork(task(id, "running"), network, "web"));
    await(deployAgent());

    TaskStatus rejected = awaitStatus(id, "rejected");
    assertThat(rejected.getErr()).isEqualTo("network " + netName + " exists on this node's engine and is not Enxame's: remove or rename it");
    assertThat(containersOf(id)).isEmpty();
    assertThat(networksOf(network.getString("ID"))).isEmpty();
  }

  /** The task as the allocator leaves it: attached to the network, under its service's name. */
  private static JsonObject onNetwork(JsonObject task, JsonObject network, String service) {
    task.getJsonObject("ServiceAnnotations").put("Name", service);
    task.getJsonObject("Spec").put("Networks", new JsonArray().add(new JsonObject().put("Target", network.getString("ID"))));
    return task.put("NetworksAttachments", new JsonArray().add(new JsonObject().put("Network", network).put("Addresses", new JsonArray())));
  }

  private static List<Network> networksOf(String swarmId) {
    return docker.listNetworksCmd().withFilter("label", List.of(EngineNetwork.SWARM_ID_LABEL + "=" + swarmId)).exec();
  }

  private static String exec(String container, String... cmd) throws Exception {
    String execId = docker.execCreateCmd(container).withCmd(cmd).withAttachStdout(true).withAttachStderr(true).exec().getId();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    docker.execStartCmd(execId).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
      @Override
      public void onNext(com.github.dockerjava.api.model.Frame frame) {
        out.writeBytes(frame.getPayload());
      }
    }).awaitCompletion(20, java.util.concurrent.TimeUnit.SECONDS);
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void rejectsAnImageThatIsNowhere() throws Exception {
    String id = Ids.newId();
    JsonObject task = task(id, "running");
    task.getJsonObject("Spec").getJsonObject("ContainerSpec").put("Image", "127.0.0.1:1/enxame-missing:none");
    dispatcher.onHello = TestDispatcher.full(task);
    await(deployAgent());

    TaskStatus rejected = awaitStatus(id, "rejected");
    assertThat(rejected.getErr()).isEqualTo("No such image: 127.0.0.1:1/enxame-missing:none");
    assertThat(containersOf(id)).isEmpty();
  }

  @Test
  void waitsForHealthAndFailsUnhealthyTasks() throws Exception {
    String healthy = Ids.newId();
    String sick = Ids.newId();
    JsonObject h = withHealthcheck(task(healthy, "running"), "true");
    JsonObject s = withHealthcheck(task(sick, "running"), "false");
    dispatcher.onHello = TestDispatcher.full(h, s);
    await(deployAgent());

    TaskStatus running = awaitStatus(healthy, "running");
    assertThat(dispatcher.statuses.stream().filter(st -> st.getTaskId().equals(healthy)).map(TaskStatus::getState))
        .containsSubsequence("starting", "running");
    assertThat(docker.inspectContainerCmd(running.getContainerId()).exec().getState().getHealth().getStatus()).isEqualTo("healthy");

    TaskStatus failed = awaitStatus(sick, "failed");
    assertThat(failed.getErr()).startsWith("task: non-zero exit (").endsWith("): unhealthy container");
    assertThat(findStatus(sick, "running")).isEmpty();
  }

  private static JsonObject withHealthcheck(JsonObject task, String command) {
    JsonObject cs = task.getJsonObject("Spec").getJsonObject("ContainerSpec");
    cs.remove("Init"); // also covers the engine's default init
    cs.put("Healthcheck", new JsonObject().put("Test", new JsonArray().add("CMD").add(command))
        .put("Interval", 200_000_000L).put("Timeout", 1_000_000_000L).put("Retries", 1));
    return task;
  }
}
