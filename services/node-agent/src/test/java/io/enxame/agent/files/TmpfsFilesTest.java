package io.enxame.agent.files;

import io.enxame.shared.crypto.Aead;
import io.enxame.shared.crypto.Released;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.dispatcher.Payload;
import io.enxame.shared.dispatcher.Payloads;
import io.enxame.shared.files.FileTrees;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real files on the machine's /dev/shm tmpfs, opened from a real sealed payload. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class TmpfsFilesTest {
  private final Path root = Path.of("/dev/shm", "enxame-files-test-" + UUID.randomUUID());

  @AfterEach
  void clean() throws Exception {
    FileTrees.delete(root);
  }

  private static JsonObject task(String id) {
    JsonObject file = new JsonObject().put("Name", "db_pass").put("UID", "1000").put("GID", "1001").put("Mode", 0400);
    return new JsonObject().put("ID", id).put("Spec", new JsonObject().put("ContainerSpec", new JsonObject()
        .put("Secrets", new JsonArray().add(new JsonObject().put("SecretID", "sec1").put("SecretName", "db").put("File", file)))));
  }

  /** What the secrets service would send: the data under a data key, the data key sealed to the agent. */
  private static Payloads payload(byte[] agentKey, String data) {
    byte[] dataKey = Aead.newKey();
    String aad = Released.associatedData("secrets", "sec1");
    JsonObject released = new JsonObject().put("Data", Aead.seal(dataKey, data.getBytes(StandardCharsets.UTF_8), aad))
        .put("Key", SealedBox.seal(agentKey, dataKey, aad));
    return Payloads.newBuilder().addItems(Payload.newBuilder().setKind("secrets").setId("sec1").setSealedJson(released.encode())).build();
  }

  @Test
  void writesTheFileWithItsOwnerAndModeOnceDeliveredAndRemovesItOnRelease(Vertx vertx, VertxTestContext tc) {
    PayloadStore store = new PayloadStore(vertx, "n1", 10_000);
    TmpfsFiles files = new TmpfsFiles(vertx, store, root);
    files.prepare(task("t1")).onComplete(tc.succeeding(binds -> tc.verify(() -> {
      Path file = root.resolve("t1").resolve("secret-0");
      assertThat(binds).containsExactly(file + ":/run/secrets/db_pass:ro");
      assertThat(Files.readString(file)).isEqualTo("hunter2");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--------");
      assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(1000);
      assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(1001);
      files.release("t1").onComplete(tc.succeeding(v -> tc.verify(() -> {
        assertThat(root.resolve("t1")).doesNotExist();
        tc.completeNow();
      })));
    })));
    // The payload arrives after the task asked for it, as it may on a real session.
    vertx.setTimer(100, t -> store.accept(payload(store.publicKey(), "hunter2")));
  }

  @Test
  void retainOnlyRemovesTheFilesOfTasksNoLongerAssigned(Vertx vertx, VertxTestContext tc) {
    PayloadStore store = new PayloadStore(vertx, "n1", 10_000);
    store.accept(payload(store.publicKey(), "hunter2"));
    TmpfsFiles files = new TmpfsFiles(vertx, store, root);
    files.prepare(task("kept")).compose(v -> files.prepare(task("stale")))
        .compose(v -> files.retainOnly(java.util.Set.of("kept")))
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(root.resolve("kept").resolve("secret-0")).exists();
          assertThat(root.resolve("stale")).doesNotExist();
          tc.completeNow();
        })));
  }

  @Test
  void aFullAssignmentSetDropsPayloadsNoTaskUses(Vertx vertx) {
    PayloadStore store = new PayloadStore(vertx, "n1", 10_000);
    store.accept(payload(store.publicKey(), "hunter2"));
    store.retainUsedBy(io.enxame.shared.dispatcher.Assignments.newBuilder().setFull(true).addTasksJson(task("t").encode()).build());
    assertThat(store.received()).containsExactly("secrets/sec1");
    store.retainUsedBy(io.enxame.shared.dispatcher.Assignments.newBuilder().setFull(true)
        .addTasksJson(new JsonObject().put("ID", "other").encode()).build());
    assertThat(store.received()).isEmpty();
  }

  @Test
  void aPayloadSealedToAnotherNodeDoesNotOpen(Vertx vertx, VertxTestContext tc) {
    PayloadStore store = new PayloadStore(vertx, "n1", 10_000);
    store.accept(payload(SealedBox.generate().publicKey(), "hunter2"));
    new TmpfsFiles(vertx, store, root).prepare(task("t2")).onComplete(tc.failing(e -> tc.verify(() -> {
      assertThat(e.getMessage()).contains("preparing secrets and configs");
      assertThat(root.resolve("t2")).doesNotExist();
      tc.completeNow();
    })));
  }

  @Test
  void refusesARootThatIsNotInMemoryAndTimesOutAnUndeliveredSecret(Vertx vertx, VertxTestContext tc) throws Exception {
    PayloadStore store = new PayloadStore(vertx, "n1", 200);
    Path onDisk = Files.createTempDirectory(Path.of("target"), "files");
    assertThat(Files.getFileStore(onDisk).type()).isNotEqualTo("tmpfs");
    store.accept(payload(store.publicKey(), "hunter2"));
    new TmpfsFiles(vertx, store, onDisk).prepare(task("t3")).onComplete(tc.failing(e -> tc.verify(() -> {
      assertThat(e.getMessage()).contains("not on an in-memory file system");
      new TmpfsFiles(vertx, new PayloadStore(vertx, "n1", 200), root).prepare(task("t4")).onComplete(tc.failing(e2 -> tc.verify(() -> {
        assertThat(e2.getMessage()).contains("secret sec1 was not delivered to this node");
        tc.completeNow();
      })));
    })));
  }
}
