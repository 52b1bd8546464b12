package io.enxame.store;

import io.enxame.shared.files.AtomicFiles;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.store.UnlockKeys;
import io.enxame.shared.crypto.SealedBox;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The store's keys on disk, in {@code <dataDir>/keys}: the data key (DEK) that seals every log payload
 * and snapshot, kept in {@code dek} wrapped by a key-encryption key (KEK).
 *
 * <ul>
 *   <li>Without autolock the KEK is random and kept beside it in {@code kek} (mode 600), as Swarm keeps
 *       its KEK in the manager's key file: the data is safe from anyone who gets only the log or snapshots.</li>
 *   <li>With autolock the KEK is derived from the unlock key and never stored; a restarted manager is
 *       locked until {@link #unlock} gets the key.</li>
 * </ul>
 *
 * {@code dek} also records the Raft index of the cluster change it follows, so replaying older log
 * entries after a restart never rewraps the DEK under an older policy. Not thread-safe: the state
 * machine calls {@link #follow} under its lock and the verticle calls the rest before Ratis starts.
 */
final class KeyRing {
  private static final String KEK_FILE = "kek";
  private static final String DEK_FILE = "dek";
  private static final String DEK_PURPOSE = "dek";
  private static final String JOIN_PURPOSE = "enxame store dek";
  private static final byte[] KEK_LABEL = "enxame manager unlock key v1".getBytes(StandardCharsets.UTF_8);

  private final Path dir;
  private final SecureRandom random;
  private byte[] dek;
  private byte[] kek;
  private boolean autolock;
  private long policyIndex;

  private KeyRing(Path dir, SecureRandom random) {
    this.dir = dir;
    this.random = random;
  }

  /** Opens the keys of a data dir, making them on a fresh one; the ring may come back {@link #locked()}. */
  static KeyRing open(Path dataDir, SecureRandom random) throws IOException {
    KeyRing ring = new KeyRing(dataDir.resolve("keys"), random);
    Files.createDirectories(ring.dir);
    Path dekFile = ring.dir.resolve(DEK_FILE);
    if (!Files.exists(dekFile)) {
      ring.dek = Sealer.newKey(random);
      ring.kek = Sealer.newKey(random);
      ring.write(false, 0);
      return ring;
    }
    JsonObject stored = new JsonObject(Files.readString(dekFile, StandardCharsets.UTF_8));
    ring.autolock = stored.getBoolean("autolock", false);
    ring.policyIndex = stored.getLong("policyIndex", 0L);
    Path kekFile = ring.dir.resolve(KEK_FILE);
    if (!ring.autolock && Files.exists(kekFile)) ring.unwrap(Files.readAllBytes(kekFile));
    return ring;
  }

  /** Whether the data dir already holds a data key (a member restarting rather than a new one). */
  static boolean exists(Path dataDir) { return Files.exists(dataDir.resolve("keys").resolve(DEK_FILE)); }

  /** A joining member's keys: the group's DEK, wrapped by a KEK of its own (autolock follows once it applies the log). */
  static KeyRing adopt(Path dataDir, SecureRandom random, byte[] clusterDek) throws IOException {
    KeyRing ring = new KeyRing(dataDir.resolve("keys"), random);
    Files.createDirectories(ring.dir);
    ring.dek = clusterDek.clone();
    ring.kek = Sealer.newKey(random);
    ring.write(false, 0);
    return ring;
  }

  /** The DEK sealed to a joining member's key (it reaches the joiner through the dispatcher, over mutual TLS). */
  JsonObject sealFor(byte[] joinerPublicKey) {
    if (locked()) throw new StoreError(503, StoreVerticle.LOCKED);
    if (!SealedBox.isPublicKey(joinerPublicKey)) throw new StoreError(400, "not a P-256 public key");
    return SealedBox.seal(joinerPublicKey, dek, JOIN_PURPOSE);
  }

  /** The joiner's side of {@link #sealFor}. */
  static byte[] openOffered(SealedBox.KeyPair joiner, JsonObject sealedDek) {
    return joiner.open(sealedDek, JOIN_PURPOSE);
  }

  boolean locked() { return dek == null; }

  Sealer sealer() {
    if (locked()) throw new IllegalStateException("the store's keys are locked");
    return new Sealer(dek, random);
  }

  /** Unwraps the DEK with the KEK derived from the unlock key: 400 for a malformed key, 401 for a wrong one, 409 when not locked. */
  void unlock(String unlockKey) {
    byte[] key = UnlockKeys.parse(unlockKey);
    if (!locked()) throw Failures.of(409, "swarm is not locked");
    try {
      unwrap(derive(key));
    } catch (Sealer.SealException e) {
      throw Failures.of(401, "swarm could not be unlocked: invalid key provided");
    }
  }

  /**
   * Follows the cluster's autolock setting as of Raft index {@code index}: {@code unlockKey} null means
   * autolock is off. Rewraps the DEK (and writes or deletes {@code kek}) only when the KEK changes.
   */
  void follow(long index, String unlockKey) throws IOException {
    if (locked() || index <= policyIndex) return;
    if (unlockKey != null) {
      byte[] next = derive(UnlockKeys.parse(unlockKey));
      if (autolock && Arrays.equals(next, kek)) return;
      kek = next;
      write(true, index);
    } else {
      if (!autolock) return;
      kek = Sealer.newKey(random);
      write(false, index);
    }
  }

  private void unwrap(byte[] candidateKek) {
    try {
      JsonObject stored = new JsonObject(Files.readString(dir.resolve(DEK_FILE), StandardCharsets.UTF_8));
      byte[] wrapped = Base64.getDecoder().decode(stored.getString("wrapped"));
      dek = new Sealer(candidateKek, random).open(wrapped, DEK_PURPOSE);
      kek = candidateKek;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the store's data key", e);
    }
  }

  /** Writes {@code kek} first (when it is kept) and then {@code dek}, each atomically; removes {@code kek} under autolock. */
  private void write(boolean autolockOn, long index) throws IOException {
    if (!autolockOn) AtomicFiles.write(dir.resolve(KEK_FILE), kek, "rw-------");
    byte[] wrapped = new Sealer(kek, random).seal(dek, DEK_PURPOSE);
    JsonObject stored = new JsonObject().put("autolock", autolockOn).put("policyIndex", index)
        .put("wrapped", Base64.getEncoder().encodeToString(wrapped));
    AtomicFiles.write(dir.resolve(DEK_FILE), stored.encode().getBytes(StandardCharsets.UTF_8), "rw-------");
    if (autolockOn) Files.deleteIfExists(dir.resolve(KEK_FILE));
    autolock = autolockOn;
    policyIndex = index;
  }


  /** KEK = HMAC-SHA256 of the unlock key's 32 random bytes under a fixed label (the key is already uniformly random). */
  private static byte[] derive(byte[] unlockKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEK_LABEL, "HmacSHA256"));
      return mac.doFinal(unlockKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
