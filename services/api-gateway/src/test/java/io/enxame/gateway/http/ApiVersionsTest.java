package io.enxame.gateway.http;

import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiVersionsTest {
  @Test
  void stripsEverySupportedPrefix() {
    assertThat(ApiVersions.split("/v1.24/services")).isEqualTo(new ApiVersions.Split("1.24", "/services"));
    assertThat(ApiVersions.split("/v1.41/tasks/abc")).isEqualTo(new ApiVersions.Split("1.41", "/tasks/abc"));
    assertThat(ApiVersions.split("/v1.51/distribution/ghcr.io/a/b:1@sha256:x/json").path())
        .isEqualTo("/distribution/ghcr.io/a/b:1@sha256:x/json");
  }

  @Test
  void leavesUnprefixedPathsAlone() {
    assertThat(ApiVersions.split("/_ping")).isEqualTo(new ApiVersions.Split(null, "/_ping"));
    assertThat(ApiVersions.split("/version")).isEqualTo(new ApiVersions.Split(null, "/version"));
    assertThat(ApiVersions.split("/v1.41")).isEqualTo(new ApiVersions.Split(null, "/v1.41"));
  }

  @Test
  void refusesVersionsOutsideTheRangeLikeMoby() {
    assertThatThrownBy(() -> ApiVersions.split("/v1.52/info")).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(400);
      assertThat(e.getMessage()).isEqualTo("client version 1.52 is too new. Maximum supported API version is 1.51");
    });
    assertThatThrownBy(() -> ApiVersions.split("/v1.23/info")).hasMessageStartingWith("client version 1.23 is too old");
    assertThatThrownBy(() -> ApiVersions.split("/v2/info")).hasMessageContaining("too new");
  }

  @Test
  void comparesNumericallyNotLexically() {
    assertThat(ApiVersions.compare("1.9", "1.24")).isNegative();
    assertThat(ApiVersions.compare("1.41", "1.41.0")).isZero();
    assertThat(ApiVersions.atLeast("1.51", "1.41")).isTrue();
    assertThat(ApiVersions.atLeast("1.40", "1.41")).isFalse();
  }
}
