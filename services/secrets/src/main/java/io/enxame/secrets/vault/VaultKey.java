package io.enxame.secrets.vault;

import io.enxame.shared.files.AtomicFiles;
import io.enxame.shared.crypto.Aead;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster's secrets key (the key-encryption key that wraps every object's data key). It lives in
 * {@code <dataDir>/vault.key}, 32 random bytes readable by the owner only, created on first start and
 * written through a temporary file so a crash never leaves half a key. It leaves this process only sealed to a
 * manager that joins ({@link Envelope#sealKeyFor}).
 */
public final class VaultKey {
  static final String FILE = "vault.key";

  private VaultKey() {}

  /** Blocking: reads the key, or creates it when the directory has none. */
  public static byte[] loadOrCreate(Path dir) throws IOException { return loadOrKeep(dir, Aead.newKey()); }

  /**
   * Blocking: reads the key, or keeps {@code fresh} as the key when the directory has none (a new key, or the
   * cluster's key handed to a manager that joins).
   */
  public static byte[] loadOrKeep(Path dir, byte[] fresh) throws IOException {
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      byte[] key = Files.readAllBytes(file);
      if (key.length != Aead.KEY_BYTES) throw new IOException(file + " is not a secrets key (" + key.length + " bytes)");
      return key;
    }
    Files.createDirectories(dir);
    byte[] key = fresh.clone();
    AtomicFiles.write(file, key, "rw-------");
    return key;
  }
}
