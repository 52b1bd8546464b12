package io.enxame.shared.tls;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JoinTokenTest {
  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @Test
  void hasSwarmsFormAndPinsTheCa() {
    String token = JoinToken.generate(CA);
    assertThat(token).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}");
    assertThat(JoinToken.digestHex(token)).contains(JoinToken.caDigestHex(CA));
    assertThat(JoinToken.pins(token, CA)).isTrue();
    assertThat(JoinToken.pins(token, CA.replace("MIIB", "MIIC"))).isFalse();
    assertThat(JoinToken.generate(CA)).isNotEqualTo(token);
  }

  @Test
  void rotationKeepsTheDigestAndDrawsANewSecret() {
    String token = JoinToken.generate(CA);
    String rotated = JoinToken.rotate(token).orElseThrow();
    assertThat(rotated).isNotEqualTo(token).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}");
    assertThat(rotated.substring(0, 60)).isEqualTo(token.substring(0, 60));
  }

  @Test
  void refusesWhatIsNotAToken() {
    assertThat(JoinToken.digestHex(null)).isEmpty();
    assertThat(JoinToken.digestHex("SWMTKN-1-abc")).isEmpty();
    assertThat(JoinToken.digestHex("SWMTKN-2-abc-def")).isEmpty();
    assertThat(JoinToken.digestHex("SWMTKN-1-ABC-def")).isEmpty();
    assertThat(JoinToken.pins("nonsense", CA)).isFalse();
  }
}
