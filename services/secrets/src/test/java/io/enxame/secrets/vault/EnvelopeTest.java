package io.enxame.secrets.vault;

import io.enxame.shared.crypto.Released;
import io.enxame.shared.crypto.SealException;
import io.enxame.shared.crypto.SealedBox;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeTest {
  private static final byte[] DATA = "marker-plaintext".getBytes(StandardCharsets.UTF_8);

  @Test
  void storedFormHoldsOnlyCiphertextAndOpensOnlyForTheRecipient(@TempDir Path dir) throws Exception {
    Envelope envelope = new Envelope(VaultKey.loadOrCreate(dir));
    JsonObject sealed = envelope.seal("secrets", "id1", DATA);
    assertThat(sealed.encode()).doesNotContain("marker-plaintext");

    SealedBox.KeyPair node = SealedBox.generate();
    JsonObject released = envelope.release("secrets", "id1", sealed, node.publicKey());
    assertThat(Released.open(node, "secrets", "id1", released)).isEqualTo(DATA);
    assertThatThrownBy(() -> Released.open(SealedBox.generate(), "secrets", "id1", released)).isInstanceOf(SealException.class);
    // Bound to its object: the same sealed field under another ID does not open.
    assertThatThrownBy(() -> envelope.release("secrets", "id2", sealed, node.publicKey())).isInstanceOf(SealException.class);
  }

  @Test
  void theKeyFileIsOwnerOnlyAndStable(@TempDir Path dir) throws Exception {
    byte[] first = VaultKey.loadOrCreate(dir);
    assertThat(VaultKey.loadOrCreate(dir)).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(VaultKey.FILE)))).isEqualTo("rw-------");
    JsonObject sealed = new Envelope(first).seal("configs", "c", DATA);
    assertThatThrownBy(() -> new Envelope(VaultKey.loadOrCreate(dir.resolve("other"))).release("configs", "c", sealed,
        SealedBox.generate().publicKey())).isInstanceOf(SealException.class);
  }
}
