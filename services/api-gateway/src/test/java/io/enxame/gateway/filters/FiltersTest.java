package io.enxame.gateway.filters;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FiltersTest {
  @Test
  void parsesTheMapOfBoolsForm() {
    Filters f = Filters.parse("{\"label\":{\"com.docker.stack.namespace=st\":true},\"_up-to-date\":{\"true\":true}}");
    assertThat(f.get("label")).containsExactly("com.docker.stack.namespace=st");
    assertThat(f.contains("_up-to-date")).isTrue();
  }

  @Test
  void parsesTheLegacyListForm() {
    assertThat(Filters.parse("{\"name\":[\"web\",\"db\"]}").get("name")).containsExactlyInAnyOrder("web", "db");
  }

  @Test
  void emptyMeansNoFilter() {
    assertThat(Filters.parse(null).prefix("id", "x")).isTrue();
    assertThat(Filters.parse("").exact("mode", "global")).isTrue();
    assertThat(Filters.parse("{}").labels("label", null)).isTrue();
  }

  @Test
  void malformedIsABadRequest() {
    for (String raw : List.of("{", "[]", "{\"a\":1}", "{\"a\":[1]}", "{\"a\":{\"b\":\"yes\"}}")) {
      assertThatThrownBy(() -> Filters.parse(raw)).as(raw)
          .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
    }
  }

  @Test
  void unknownKeysAreRefusedWithMobysMessage() {
    assertThatThrownBy(() -> Filters.parse("{\"colour\":{\"red\":true}}").allowOnly(Set.of("id")))
        .hasMessage("invalid filter 'colour'");
  }

  @Test
  void valuesOfAKeyAreAlternativesAndMatchByPrefixOrExactly() {
    Filters f = Filters.parse("{\"id\":{\"ab\":true,\"zz\":true},\"mode\":{\"global\":true}}");
    assertThat(f.prefix("id", "abcdef")).isTrue();
    assertThat(f.prefix("id", "bcdef")).isFalse();
    assertThat(f.exact("mode", "global")).isTrue();
    assertThat(f.exact("mode", "replicated")).isFalse();
    assertThat(f.prefixOfAny("id", List.of("nope", "zzz"))).isTrue();
  }

  @Test
  void labelsMustAllMatchByKeyOrKeyValue() {
    JsonObject labels = new JsonObject().put("a", "1").put("b", "x=y");
    assertThat(Filters.parse("{\"label\":{\"a\":true}}").labels("label", labels)).isTrue();
    assertThat(Filters.parse("{\"label\":{\"a=1\":true,\"b=x=y\":true}}").labels("label", labels)).isTrue();
    assertThat(Filters.parse("{\"label\":{\"a=1\":true,\"c\":true}}").labels("label", labels)).isFalse();
    assertThat(Filters.parse("{\"label\":{\"a=2\":true}}").labels("label", labels)).isFalse();
    assertThat(Filters.parse("{\"label\":{\"a\":true}}").labels("label", null)).isFalse();
  }

  @Test
  void withReplacesTheValuesOfOneKey() {
    Filters f = Filters.parse("{\"service\":{\"web\":true}}").with("service", Set.of("id1"));
    assertThat(f.exact("service", "id1")).isTrue();
    assertThat(f.exact("service", "web")).isFalse();
  }
}
