package io.enxame.store;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.store.UnlockKeys;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Encryption at rest on a real single-member Ratis store: nothing written under the data dir holds
 * plaintext, a restart loads the sealed snapshot plus the log tail, and autolock keeps a restarted
 * store locked until the right unlock key arrives. Waits block the JUnit thread, never an event loop.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoreEncryptionIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dataDir;
  private Vertx vertx;
  private StoreClient store;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.store = new StoreClient(vertx.eventBus());
    this.port = Ports.free();
  }

  @Test
  void nothingOnDiskHoldsPlaintextAndARestartLoadsTheSnapshotAndTail() throws Exception {
    String marker = "marker-" + UUID.randomUUID();
    String deployment = deploy();
    await(store.tx(StoreOp.create(Kind.SECRETS, new JsonObject().put("ID", "sec1")
        .put("Spec", new JsonObject().put("Name", "s").put("Labels", new JsonObject().put("m", marker))))));
    // Enough further entries to pass the snapshot threshold (8), then a tail after the snapshot.
    for (int i = 0; i < 12; i++) {
      await(store.tx(StoreOp.merge(Kind.SECRETS, "sec1", new JsonObject().put("Round", i))));
    }
    Eventually.until("a snapshot", WAIT, this::snapshotFiles, files -> !files.isEmpty());
    await(store.tx(StoreOp.create(Kind.CONFIGS, new JsonObject().put("ID", "cfg1")
        .put("Spec", new JsonObject().put("Name", "c").put("Labels", new JsonObject().put("m", marker + "-tail"))))));
    await(vertx.undeploy(deployment));

    List<Path> files = allFiles();
    assertThat(files).as("log segments and a snapshot were written").anyMatch(f -> f.toString().contains("log_"));
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    assertThat(files).allSatisfy(f -> assertThat(contains(Files.readAllBytes(f), needle)).as(f.toString()).isFalse());

    deploy();
    JsonObject secret = await(store.get(Kind.SECRETS, "sec1"));
    assertThat(secret.getJsonObject("Spec").getJsonObject("Labels").getString("m")).isEqualTo(marker);
    assertThat(secret.getInteger("Round")).isEqualTo(11);
    assertThat(await(store.get(Kind.CONFIGS, "cfg1")).getJsonObject("Spec").getJsonObject("Labels").getString("m"))
        .isEqualTo(marker + "-tail");
  }

  @Test
  void autolockKeepsARestartedStoreLockedUntilTheRightKey() throws Exception {
    String deployment = deploy();
    JsonObject cluster = await(store.list(Kind.CLUSTER)).get(0);
    String key = UnlockKeys.generate();
    await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), autolock(cluster, true).put(UnlockKeys.FIELD, key))));
    assertThat(dataDir.resolve("keys/kek")).as("the KEK is no longer stored").doesNotExist();
    await(vertx.undeploy(deployment));

    deployment = deploy();
    assertThat(await(store.locked())).isTrue();
    assertStatus(store.list(Kind.CLUSTER), 503, StoreVerticle.LOCKED);
    assertStatus(store.tx(StoreOp.create(Kind.CONFIGS, new JsonObject().put("ID", "c"))), 503, StoreVerticle.LOCKED);
    assertStatus(store.unlock(UnlockKeys.generate()), 401, "swarm could not be unlocked: invalid key provided");
    assertStatus(store.unlock("SWMKEY-1-notbase64!"), 400, "invalid key string");
    assertThat(await(store.locked())).as("a wrong key changes nothing").isTrue();

    await(store.unlock(key));
    assertThat(await(store.locked())).isFalse();
    assertThat(await(store.list(Kind.CLUSTER))).hasSize(1);
    assertStatus(store.unlock(key), 409, "swarm is not locked");

    // Rotation: the old key no longer opens the data key after a restart; the new one does.
    String rotated = UnlockKeys.generate();
    await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), new JsonObject().put(UnlockKeys.FIELD, rotated))));
    await(vertx.undeploy(deployment));
    deployment = deploy();
    assertStatus(store.unlock(key), 401, "swarm could not be unlocked: invalid key provided");
    await(store.unlock(rotated));

    // Autolock off: the KEK is kept again and a restart comes up unlocked.
    JsonObject current = await(store.list(Kind.CLUSTER)).get(0);
    await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), autolock(current, false).putNull(UnlockKeys.FIELD))));
    assertThat(dataDir.resolve("keys/kek")).exists();
    await(vertx.undeploy(deployment));
    deploy();
    assertThat(await(store.locked())).isFalse();
    assertThat(await(store.list(Kind.CLUSTER))).hasSize(1);
  }

  private static JsonObject autolock(JsonObject cluster, boolean on) {
    JsonObject spec = cluster.getJsonObject("Spec").copy();
    spec.put("EncryptionConfig", new JsonObject().put("AutoLockManagers", on));
    return new JsonObject().put("Spec", spec);
  }

  private String deploy() {
    JsonObject config = new JsonObject().put("nodeId", "n1").put("dataDir", dataDir.toString()).put("raftPort", port)
        .put("hostname", "h1").put("snapshotThreshold", 8);
    return await(vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config)));
  }

  private void assertStatus(Future<?> call, int status, String message) {
    assertThatThrownBy(() -> await(call)).satisfies(e -> {
      Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
      assertThat(Failures.statusOf(cause)).as(cause.toString()).isEqualTo(status);
      assertThat(cause.getMessage()).isEqualTo(message);
    });
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer in 20 s", e);
    }
  }

  private List<Path> snapshotFiles() {
    return allFiles().stream().filter(f -> f.getFileName().toString().startsWith("snapshot.")
        && !f.getFileName().toString().endsWith(".md5")).toList();
  }

  private List<Path> allFiles() {
    try (Stream<Path> walk = Files.walk(dataDir)) {
      return walk.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }
}
