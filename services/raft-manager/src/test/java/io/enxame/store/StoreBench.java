package io.enxame.store;

import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Store write throughput and latency through the event-bus API: groups of 1 and 3 members, 1 and 16
 * concurrent clients (each a closed loop: one write in flight), {@code enxame.bench.seconds} (10) each after
 * {@code enxame.bench.warmup} (15) seconds of the same writes
 * ({@code enxame.bench.members}, {@code enxame.bench.clients}: other lists, e.g. "3" and "16,64").
 * Not part of the test suite (its name matches neither *Test nor *IT): bench/store.sh runs it.
 * Each write creates a secret-sized object, as {@code POST /secrets/create} does. Beside the rate: writes per Raft
 * entry (group commit) and the process's CPU time per write (all members and the clients share the process), a
 * figure the other load on a shared machine disturbs less than the rate.
 */
class StoreBench {
  private static final int SECONDS = Integer.getInteger("enxame.bench.seconds", 10);
  private static final AtomicLong IDS = new AtomicLong();
  private static final AtomicLong FAILED = new AtomicLong();
  private static final int WARMUP = Integer.getInteger("enxame.bench.warmup", 15);

  @TempDir Path root;

  @Test
  void writes() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int members : sizes("enxame.bench.members", "1,3")) {
      for (int clients : sizes("enxame.bench.clients", "1,16")) {
        Path dir = Files.createTempDirectory(root, "g");
        try (StoreGroup group = StoreGroup.start(dir, members, new JsonObject())) {
          rows.add(run(group, members, clients));
        }
      }
    }
    System.out.println("| members | clients | writes/s | p50 ms | p99 ms | writes/entry | CPU ms/write |");
    System.out.println("|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static int[] sizes(String property, String dflt) {
    return java.util.Arrays.stream(System.getProperty(property, dflt).split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /**
   * Writes for the warm-up, not counted, then for the measurement: by then the JIT compiler has compiled the write path, as
   * in a manager that has run a while (on the shared two-core machine it was still compiling 10 s in, a third of the CPU).
   */
  private static String run(StoreGroup group, int members, int clients) throws InterruptedException {
    measure(group, members, clients, WARMUP);
    return measure(group, members, clients, SECONDS);
  }

  /**
   * One client: a closed loop of writes on an event loop, as the gateway's requests are (one in flight; the next sent from
   * the previous one's reply), not a thread blocked on each reply: the bench's own thread wake-ups cost the store's CPU.
   */
  private static void write(StoreClient store, long end, List<Long> latencies, CountDownLatch done) {
    String id = "bench" + IDS.incrementAndGet();
    JsonObject secret = new JsonObject().put("ID", id)
        .put("Spec", new JsonObject().put("Name", id).put("Labels", new JsonObject()).put("Data", "c2VjcmV0LXZhbHVl"));
    long t0 = System.nanoTime();
    store.tx(StoreOp.create(Kind.SECRETS, secret)).onComplete(ar -> {
      if (ar.failed()) {
        FAILED.incrementAndGet(); // this client stops; measure() refuses the run
        System.err.println("bench write failed: " + ar.cause());
        done.countDown();
        return;
      }
      latencies.add(System.nanoTime() - t0);
      if (System.nanoTime() < end) write(store, end, latencies, done);
      else done.countDown();
    });
  }

  private static String measure(StoreGroup group, int members, int clients, int seconds) throws InterruptedException {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long entries0 = group.leader().log().getLastEntryTermIndex().getIndex();
    long cpu0 = os.getProcessCpuTime();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      StoreGroup.Member member = group.member(c % members);
      member.vertx.getOrCreateContext().runOnContext(v -> write(member.client, end, latencies, done));
    }
    if (!done.await(seconds + 60L, TimeUnit.SECONDS)) throw new IllegalStateException("clients did not finish");
    if (FAILED.get() > 0) throw new IllegalStateException(FAILED.get() + " writes failed: no figure from this run");
    double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
    long entries = group.leader().log().getLastEntryTermIndex().getIndex() - entries0;
    List<Long> sorted = latencies.stream().sorted().toList();
    double p50 = sorted.get(sorted.size() / 2) / 1e6;
    double p99 = sorted.get((int) (sorted.size() * 0.99)) / 1e6;
    return String.format("| %d | %d | %.0f | %.2f | %.2f | %.1f | %.3f |", members, clients, sorted.size() / (double) seconds, p50, p99,
        sorted.size() / (double) entries, cpuMs / sorted.size());
  }
}
