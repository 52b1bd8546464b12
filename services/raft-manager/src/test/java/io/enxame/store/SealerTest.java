package io.enxame.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SealerTest {
  private final SecureRandom random = new SecureRandom();
  private final byte[] key = Sealer.newKey(random);
  private final byte[] plain = "{\"ID\":\"x\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void opensWhatItSealedAndNeverReusesANonce() {
    Sealer sealer = new Sealer(key, random);
    Set<String> nonces = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      byte[] sealed = sealer.seal(plain, "log");
      assertThat(nonces.add(Arrays.toString(Arrays.copyOfRange(sealed, 1, 13)))).isTrue();
      assertThat(new Sealer(key, random).open(sealed, "log")).isEqualTo(plain);
    }
  }

  @Test
  void refusesAnotherKeyAnotherPurposeOrATamperedRecord() {
    byte[] sealed = new Sealer(key, random).seal(plain, "log");
    assertThatThrownBy(() -> new Sealer(Sealer.newKey(random), random).open(sealed, "log")).isInstanceOf(Sealer.SealException.class);
    assertThatThrownBy(() -> new Sealer(key, random).open(sealed, "snapshot")).isInstanceOf(Sealer.SealException.class);
    byte[] tampered = sealed.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> new Sealer(key, random).open(tampered, "log")).isInstanceOf(Sealer.SealException.class);
  }
}
