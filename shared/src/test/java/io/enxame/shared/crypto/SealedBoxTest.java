package io.enxame.shared.crypto;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SealedBoxTest {
  private static final byte[] SECRET = "s3cr3t marker".getBytes(StandardCharsets.UTF_8);

  @Test
  void onlyTheRecipientOpensWithTheSameAssociatedData() {
    SealedBox.KeyPair node = SealedBox.generate();
    JsonObject box = SealedBox.seal(node.publicKey(), SECRET, "secrets/abc");
    assertThat(box.encode()).doesNotContain("s3cr3t");
    assertThat(node.open(box, "secrets/abc")).isEqualTo(SECRET);
    assertThatThrownBy(() -> SealedBox.generate().open(box, "secrets/abc")).isInstanceOf(SealException.class);
    assertThatThrownBy(() -> node.open(box, "secrets/other")).isInstanceOf(SealException.class);
  }

  @Test
  void aTamperedBoxDoesNotOpen() {
    SealedBox.KeyPair node = SealedBox.generate();
    JsonObject box = SealedBox.seal(node.publicKey(), SECRET, "x");
    byte[] ct = java.util.Base64.getDecoder().decode(box.getString("Ciphertext"));
    ct[0] ^= 1;
    box.put("Ciphertext", java.util.Base64.getEncoder().encodeToString(ct));
    assertThatThrownBy(() -> node.open(box, "x")).isInstanceOf(SealException.class);
  }

  @Test
  void refusesKeysThatAreNotCurvePoints() {
    assertThat(SealedBox.isPublicKey(SealedBox.generate().publicKey())).isTrue();
    assertThat(SealedBox.isPublicKey(new byte[65])).isFalse();
    assertThatThrownBy(() -> SealedBox.seal(new byte[] {4, 1, 2}, SECRET, "x")).isInstanceOf(SealException.class);
  }

  @Test
  void aeadRoundTripsUnderItsKeyOnly() {
    byte[] key = Aead.newKey();
    JsonObject sealed = Aead.seal(key, SECRET, "id");
    assertThat(Aead.open(key, sealed, "id")).isEqualTo(SECRET);
    assertThatThrownBy(() -> Aead.open(Aead.newKey(), sealed, "id")).isInstanceOf(SealException.class);
  }
}
