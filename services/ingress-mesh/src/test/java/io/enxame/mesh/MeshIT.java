package io.enxame.mesh;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.model.MeshLabels;
import io.enxame.shared.testing.Blocking;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The routing mesh end to end with real containers: a swarm in one process (store, scheduler, gateway, agent,
 * mesh) on the real Docker engine; busybox httpd tasks answer their hostname. One scenario in order, sharing
 * the swarm to keep the run short.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshIT {
  private static final String WEB = "meshweb";
  private static final String HTTPD = "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www";
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private InProcessSwarm swarm;
  private final int webPort = Ports.free();
  private String webId;

  @BeforeAll
  void start() throws Exception {
    Engine.ensureBusybox();
    Engine.ensureUdpEcho();
    swarm = new InProcessSwarm().start();
  }

  @AfterAll
  void stop() throws Exception {
    if (swarm != null) swarm.close();
  }

  /** One HTTP/1.0 request on a new connection: the body, that is the hostname of the task that answered. */
  private static String get(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (!response.startsWith("HTTP/1.") || !response.contains("\r\n\r\n")) throw new AssertionError("not an HTTP answer: " + response);
      return response.substring(response.indexOf("\r\n\r\n") + 4).trim();
    } catch (IOException e) {
      throw new AssertionError("request to " + host + ":" + port + " failed", e);
    }
  }

  private static List<String> getMany(String host, int port, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(get(host, port));
    return out;
  }

  private List<Target> targets(MeshVerticle mesh, String key) {
    return mesh.targets(key);
  }

  private void awaitReplicas(String service, int port, int n) {
    Eventually.until(n + " tasks of " + service + " in the table", CONVERGE, () -> targets(swarm.mesh, "tcp/" + port), t -> t.size() == n);
    Eventually.until(n + " containers of " + service, CONVERGE, () -> Engine.containers(swarm.nodeId, service), c -> c.size() == n);
  }

  @Test
  @Order(1)
  void requestsReachEveryReplicaInTurn() throws Exception {
    webId = swarm.createService(WEB, Engine.BUSYBOX, 3, "tcp", webPort, 80, new JsonObject(), "sh", "-c", HTTPD);
    awaitReplicas(WEB, webPort, 3);
    List<String> answers = getMany("127.0.0.1", webPort, 30);
    assertThat(new HashSet<>(answers)).containsExactlyInAnyOrderElementsOf(Engine.containers(swarm.nodeId, WEB));
    // Round robin: each of the three answered a third of the requests.
    assertThat(answers.stream().filter(a -> a.equals(answers.get(0))).count()).isEqualTo(10);

    // The agent reported each task's address; the store keeps it where Docker does.
    io.vertx.core.json.JsonArray tasks = new io.vertx.core.json.JsonArray(swarm.api("GET", "/tasks", null).body());
    assertThat(tasks.stream().map(o -> (JsonObject) o).filter(t -> webId.equals(t.getString("ServiceID"))))
        .hasSize(3).allSatisfy(t -> assertThat(t.getJsonArray("NetworksAttachments").getJsonObject(0).getJsonArray("Addresses").getString(0))
            .matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+"));

    JsonObject port = swarm.inspect(WEB).getJsonObject("Endpoint").getJsonArray("Ports").getJsonObject(0);
    assertThat(port.getInteger("PublishedPort")).isEqualTo(webPort);
    assertThat(port.getString("PublishMode")).isEqualTo("ingress");

    MeshMetrics.Service stats = swarm.mesh.metrics().service(webId);
    assertThat(stats.connections()).isGreaterThanOrEqualTo(30);
    assertThat(stats.bytesIn()).isGreaterThanOrEqualTo(30L * "GET / HTTP/1.0\r\n\r\n".length());
    assertThat(stats.bytesOut()).isGreaterThan(30L * 13);
    JsonObject served = Blocking.await(swarm.vertx.eventBus().<JsonObject>request(Addresses.meshMetrics(swarm.nodeId), "")).body();
    assertThat(served.getJsonArray("services").stream().map(o -> ((JsonObject) o).getString("name"))).contains(WEB);

    // The same counters for Prometheus, on the mesh's metrics address.
    HttpResponse<String> scraped = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + swarm.mesh.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(scraped.statusCode()).isEqualTo(200);
    assertThat(scraped.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
    String series = "enxame_mesh_connections_total{service_id=\"" + webId + "\",service_name=\"" + WEB + "\"} ";
    assertThat(scraped.body()).contains("# TYPE enxame_mesh_connections_total counter").contains(series);
    String line = scraped.body().lines().filter(l -> l.startsWith(series)).findFirst().orElseThrow();
    assertThat(Long.parseLong(line.substring(series.length()))).isGreaterThanOrEqualTo(30);
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + swarm.mesh.metricsPort() + "/other")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(2)
  void aKilledTaskLeavesTheTableAndNoRequestFails() {
    String victim = Engine.containers(swarm.nodeId, WEB).get(0);
    String taskId = Engine.run("inspect", "--format", "{{index .Config.Labels \"com.docker.swarm.task.id\"}}", victim).trim();
    Engine.run("kill", victim);
    Eventually.until("the killed task out of the table", CONVERGE, () -> targets(swarm.mesh, "tcp/" + webPort),
        t -> t.stream().noneMatch(x -> x.taskId.equals(taskId)));
    List<String> answers = getMany("127.0.0.1", webPort, 40);
    assertThat(answers).hasSize(40).doesNotContain(victim).allSatisfy(a -> assertThat(a).matches("[0-9a-f]{12}"));
  }

  @Test
  @Order(3)
  void scaledUpTasksGetTraffic() throws Exception {
    swarm.scale(WEB, 5);
    awaitReplicas(WEB, webPort, 5);
    Set<String> answered = new HashSet<>(getMany("127.0.0.1", webPort, 50));
    assertThat(answered).containsExactlyInAnyOrderElementsOf(Engine.containers(swarm.nodeId, WEB));
  }

  @Test
  @Order(4)
  void anotherNodesMeshReachesTheTasksThroughThisOne() throws Exception {
    // A second node's mesh (its own node id, publishing on 127.0.0.2): every task is on the first node, so each
    // flow it takes goes through the first mesh's internal port.
    MeshVerticle peer = new MeshVerticle();
    String deployment = swarm.deployMesh(peer, "meshpeer000000000000000000", "127.0.0.2");
    try {
      Eventually.until("the peer mesh to publish the port", CONVERGE, () -> targets(peer, "tcp/" + webPort), t -> t.size() == 5);
      Set<String> answered = new HashSet<>(getMany("127.0.0.2", webPort, 50));
      assertThat(answered).containsExactlyInAnyOrderElementsOf(Engine.containers(swarm.nodeId, WEB));
      assertThat(peer.metrics().service(webId).connections()).isEqualTo(50);
      assertThat(swarm.mesh.refusedHops()).isZero();
    } finally {
      Blocking.await(swarm.vertx.undeploy(deployment));
    }
  }

  @Test
  @Order(5)
  void aPortOfAnotherServiceIsRefusedWithDockersWords() throws Exception {
    assertThatThrownBy(() -> swarm.createService("meshother", Engine.BUSYBOX, 1, "tcp", webPort, 80, new JsonObject(), "sleep", "60"))
        .hasMessageContaining("400")
        .hasMessageContaining("port '" + webPort + "' is already in use by service '" + WEB + "' (" + webId + ") as an ingress port");
  }

  @Test
  @Order(6)
  void removingTheServiceClosesItsListener() throws Exception {
    swarm.remove(WEB);
    Eventually.until("the listener to close", Duration.ofSeconds(10), () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", webPort), 1000);
        return "open";
      } catch (ConnectException e) {
        return "refused";
      } catch (IOException e) {
        return e.toString();
      }
    }, "refused"::equals);
  }

  @Test
  @Order(7)
  void aProxyV2ServiceSeesTheClientAddress() throws Exception {
    int port = Ports.free();
    // nc echoes what it gets, PROXY header included, so the test reads what the application received.
    swarm.createService("meshproxy", Engine.BUSYBOX, 1, "tcp", port, 80, new JsonObject().put(MeshLabels.PROXY_PROTOCOL, "v2"),
        "nc", "-ll", "-p", "80", "-e", "cat");
    awaitReplicas("meshproxy", port, 1);
    byte[] received = Eventually.until("the echo of a PROXY v2 header", CONVERGE, () -> echo(port, 28), b -> b.length == 28);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      byte[] head = new DataInputStream(s.getInputStream()).readNBytes(32);
      assertThat(Arrays.copyOf(head, 12)).isEqualTo(ProxyHeader.V2_SIGNATURE);
      assertThat(head[12]).isEqualTo((byte) 0x21);
      assertThat(head[13]).isEqualTo((byte) 0x11);
      assertThat(InetAddress.getByAddress(Arrays.copyOfRange(head, 16, 20)).getHostAddress()).isEqualTo("127.0.0.1");
      int sourcePort = ((head[24] & 0xff) << 8) | (head[25] & 0xff);
      int destinationPort = ((head[26] & 0xff) << 8) | (head[27] & 0xff);
      assertThat(sourcePort).isEqualTo(s.getLocalPort());
      assertThat(destinationPort).isEqualTo(port);
      assertThat(new String(Arrays.copyOfRange(head, 28, 32), StandardCharsets.US_ASCII)).isEqualTo("ping");
    }
    assertThat(received).hasSize(28);
    swarm.remove("meshproxy");
  }

  /** Connects, sends nothing, and reads what comes back within a second (the echoed header, once the task runs). */
  private static byte[] echo(int port, int n) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(1000);
      InputStream in = s.getInputStream();
      return in.readNBytes(n);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @Test
  @Order(8)
  void aUdpEchoServiceAnswersThroughTheMesh() throws Exception {
    int port = Ports.free();
    String id = swarm.createService("meshudp", Engine.UDP_ECHO, 2, "udp", port, 7, new JsonObject());
    Eventually.until("2 tasks of meshudp in the table", CONVERGE, () -> targets(swarm.mesh, "udp/" + port), t -> t.size() == 2);
    udpEcho(InetAddress.getLoopbackAddress(), port);
    assertThat(swarm.mesh.metrics().service(id).connections()).isEqualTo(1); // one client address, one flow

    // Another node's mesh (on 127.0.0.2) has no task of the service: its flows go through the first mesh's
    // internal port, each datagram with a hop header, and the answers come back from its published port.
    MeshVerticle peer = new MeshVerticle();
    String deployment = swarm.deployMesh(peer, "meshpeer000000000000000000", "127.0.0.2");
    try {
      Eventually.until("the peer mesh to publish the UDP port", CONVERGE, () -> targets(peer, "udp/" + port), t -> t.size() == 2);
      for (int client = 0; client < 2; client++) udpEcho(InetAddress.getByName("127.0.0.2"), port);
      assertThat(peer.metrics().service(id).connections()).isEqualTo(2);
      assertThat(peer.metrics().service(id).bytesOut()).isEqualTo(2 * 5 * "hello 0".length());
      assertThat(swarm.mesh.refusedHops()).isZero();
    } finally {
      Blocking.await(swarm.vertx.undeploy(deployment));
    }

    // The internal port is not an open relay: a datagram to a task port that is not a UDP backend is dropped, and
    // a TCP hop to the UDP backend is refused.
    String taskIp = targets(swarm.mesh, "udp/" + port).get(0).ip;
    try (DatagramSocket socket = new DatagramSocket()) {
      byte[] forged = ("ENXAME-HOP 1 " + taskIp + " 9\nhello").getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(forged, forged.length, InetAddress.getLoopbackAddress(), swarm.mesh.internalPort()));
      socket.setSoTimeout(500);
      assertThatThrownBy(() -> socket.receive(new DatagramPacket(new byte[64], 64))).isInstanceOf(SocketTimeoutException.class);
    }
    Eventually.until("the forged datagram refused", Duration.ofSeconds(5), () -> swarm.mesh.refusedHops(), n -> n == 1);
    try (Socket s = new Socket("127.0.0.1", swarm.mesh.internalPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(("ENXAME-HOP 1 " + taskIp + " 7\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(swarm.mesh.refusedHops()).isEqualTo(2);
    swarm.remove("meshudp");
  }

  /** Five datagrams to {@code host:port} from one new socket, each echoed from that address. */
  private static void udpEcho(InetAddress host, int port) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      for (int i = 0; i < 5; i++) {
        byte[] hello = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(hello, hello.length, host, port));
        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
        socket.receive(reply);
        assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII)).isEqualTo("hello " + i);
        assertThat(reply.getAddress()).isEqualTo(host);
        assertThat(reply.getPort()).isEqualTo(port);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no UDP echo through the mesh at " + host + ":" + port, e);
    }
  }

  @Test
  @Order(9)
  void aHostModePortIsTheTaskContainersOwnMapping() throws Exception {
    int port = Ports.free();
    swarm.createService("meshhost", Engine.BUSYBOX, 1, "host", "tcp", port, 80, new JsonObject(), "sh", "-c", HTTPD);
    Eventually.until("the meshhost container", CONVERGE, () -> Engine.containers(swarm.nodeId, "meshhost"), c -> c.size() == 1);
    String container = Engine.containers(swarm.nodeId, "meshhost").get(0);
    assertThat(Engine.run("port", container).trim()).contains("80/tcp -> 0.0.0.0:" + port);
    assertThat(Eventually.until("httpd to answer on the host port", CONVERGE, () -> {
      try {
        return get("127.0.0.1", port);
      } catch (AssertionError notYet) {
        return "";
      }
    }, a -> !a.isEmpty())).isEqualTo(container);
    assertThat(swarm.mesh.targets("tcp/" + port)).isEmpty(); // the mesh does not publish host-mode ports
    swarm.remove("meshhost");
  }
}
