package io.enxame.mesh;

import io.enxame.shared.dispatcher.Backend;
import io.enxame.shared.dispatcher.Route;
import io.enxame.shared.dispatcher.RouteTable;
import io.enxame.shared.model.MeshLabels;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The TCP data path on real Netty and real sockets, without a control plane: the table is written here. */
class DataPathTest {
  private static final String NODE = "node1";
  private MeshRuntime mesh;
  private PublishedPorts ports;
  private ServerSocket backend;

  @BeforeEach
  void start() throws IOException {
    mesh = new MeshRuntime(NODE, Transport.best(), 1, new MeshMetrics());
    ports = new PublishedPorts(mesh, "127.0.0.1");
    backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws Exception {
    ports.closeAll();
    backend.close();
    mesh.group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
  }

  private int publish() {
    int published = Ports.free();
    ports.apply(table(published));
    ports.port("tcp/" + published).bound().syncUninterruptibly();
    return published;
  }

  /** The published port routed to the test's backend socket. */
  private RouteTable table(int published) {
    return RouteTable.newBuilder().addRoutes(Route.newBuilder().setProtocol("tcp").setPublishedPort(published)
        .setTargetPort(backend.getLocalPort()).setServiceId("svc1").setServiceName("bulk").setLb(MeshLabels.ROUND_ROBIN)
        .addBackends(Backend.newBuilder().setTaskId("task1").setNodeId(NODE).setIp("127.0.0.1"))).build();
  }

  @Test
  void aClientThatDoesNotReadStopsTheBackendInsteadOfFillingTheMesh() throws Exception {
    int published = publish();
    long total = 256L << 20;
    AtomicLong written = new AtomicLong();
    Thread writer = new Thread(() -> {
      try (Socket s = backend.accept(); OutputStream out = s.getOutputStream()) {
        byte[] chunk = new byte[64 << 10];
        while (written.get() < total) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
      } catch (IOException e) {
        // the test closed the client
      }
    });
    writer.start();
    try (Socket client = new Socket()) {
      client.setReceiveBufferSize(64 << 10);
      client.connect(new InetSocketAddress("127.0.0.1", published));
      // Stalled: the backend can only fill the socket buffers on the way and the mesh's write buffer (64 KiB
      // high water mark), then its writes block.
      Eventually.until("the backend to stall", Duration.ofSeconds(10), () -> {
        long before = written.get();
        sleep(300);
        return written.get() - before;
      }, progress -> progress == 0);
      assertThat(written.get()).isLessThan(32L << 20);
      // Reading again drains everything through.
      InputStream in = client.getInputStream();
      byte[] buf = new byte[256 << 10];
      long read = 0;
      while (read < total) {
        int n = in.read(buf);
        if (n < 0) break;
        read += n;
      }
      assertThat(read).isEqualTo(total);
    }
    writer.join(5000);
  }

  @Test
  void eachFlowGetsWhatItsClientSentBeforeTheBackendWasUp() throws Exception {
    // Two I/O threads. Each client writes at once, before the mesh's backend connection is up; the backend
    // echoes a line.
    MeshRuntime two = new MeshRuntime(NODE, Transport.best(), 2, new MeshMetrics());
    PublishedPorts twoPorts = new PublishedPorts(two, "127.0.0.1");
    Thread echo = new Thread(() -> {
      while (!backend.isClosed()) {
        try (Socket s = backend.accept()) {
          String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
          s.getOutputStream().write(("echo " + line + "\n").getBytes());
        } catch (IOException e) {
          // the backend was closed by the test
        }
      }
    });
    echo.start();
    try {
      int published = Ports.free();
      twoPorts.apply(table(published));
      twoPorts.port("tcp/" + published).bound().syncUninterruptibly();
      for (int i = 0; i < 50; i++) {
        try (Socket client = new Socket("127.0.0.1", published)) {
          client.getOutputStream().write(("hello " + i + "\n").getBytes());
          String reply = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream())).readLine();
          assertThat(reply).isEqualTo("echo hello " + i);
        }
      }
    } finally {
      twoPorts.closeAll();
      backend.close();
      echo.join(5000);
      two.group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void connectionsOpenAtOnceAreSpreadOverTheIoThreads() throws Exception {
    // 32 connections kept open, opened one after the other: the mesh keeps the two I/O threads within one flow
    // of each other (a random split, such as the kernel's hash over SO_REUSEPORT listeners, fails this more often
    // than not: |16 - X| > 1 for X ~ Binomial(32, 1/2) has probability 60 %).
    MeshRuntime two = new MeshRuntime(NODE, Transport.best(), 2, new MeshMetrics());
    PublishedPorts twoPorts = new PublishedPorts(two, "127.0.0.1");
    List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread acceptor = new Thread(() -> {
      while (!backend.isClosed()) {
        try {
          accepted.add(backend.accept());
        } catch (IOException e) {
          // the backend was closed by the test
        }
      }
    });
    acceptor.start();
    List<Socket> clients = new ArrayList<>();
    try {
      int published = Ports.free();
      twoPorts.apply(table(published));
      twoPorts.port("tcp/" + published).bound().syncUninterruptibly();
      for (int i = 0; i < 32; i++) {
        clients.add(new Socket("127.0.0.1", published));
        int flows = i + 1;
        Eventually.until(flows + " flows open", Duration.ofSeconds(5), () -> accepted.size(), n -> n == flows);
        int[] open = two.loads.open();
        assertThat(Math.abs(open[0] - open[1])).as("flows per I/O thread %s", java.util.Arrays.toString(open)).isLessThanOrEqualTo(1);
      }
      assertThat(two.loads.open()[0] + two.loads.open()[1]).isEqualTo(32);
    } finally {
      for (Socket c : clients) c.close();
      twoPorts.closeAll();
      backend.close();
      acceptor.join(5000);
      for (Socket s : accepted) s.close();
      two.group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void theListenerClosesWhenThePortLeavesTheTable() throws Exception {
    int published = publish();
    try (Socket s = new Socket("127.0.0.1", published)) {
      assertThat(s.isConnected()).isTrue();
    }
    ports.apply(RouteTable.getDefaultInstance());
    Eventually.until("the listener to close", Duration.ofSeconds(5), () -> {
      try (Socket s = new Socket("127.0.0.1", published)) {
        return false;
      } catch (IOException refused) {
        return true;
      }
    }, closed -> closed);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
