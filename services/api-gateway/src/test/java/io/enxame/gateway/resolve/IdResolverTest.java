package io.enxame.gateway.resolve;

import io.enxame.shared.model.Kind;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdResolverTest {
  private static JsonObject service(String id, String name) {
    return new JsonObject().put("ID", id).put("Spec", new JsonObject().put("Name", name));
  }

  private final List<JsonObject> services = List.of(service("abc111", "web"), service("abc222", "db"), service("web", "other"));

  private JsonObject resolve(String ref) {
    return IdResolver.resolve("service", ref, services, Lookup.namesOf(Kind.SERVICES));
  }

  @Test
  void exactIdWinsOverName() {
    assertThat(resolve("web").getString("ID")).isEqualTo("web");
  }

  @Test
  void exactNameThenUniquePrefix() {
    assertThat(resolve("db").getString("ID")).isEqualTo("abc222");
    assertThat(resolve("abc1").getString("ID")).isEqualTo("abc111");
  }

  @Test
  void ambiguousPrefixIsA400() {
    assertThatThrownBy(() -> resolve("abc")).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(400);
      assertThat(e.getMessage()).isEqualTo("service abc is ambiguous (2 matches found)");
    });
  }

  @Test
  void nothingIsA404() {
    assertThatThrownBy(() -> resolve("nope")).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(404);
      assertThat(e.getMessage()).isEqualTo("service nope not found");
    });
  }

  @Test
  void nodesAnswerToTheirHostname() {
    JsonObject node = new JsonObject().put("ID", "n1").put("Spec", new JsonObject())
        .put("Description", new JsonObject().put("Hostname", "box"));
    assertThat(IdResolver.resolve("node", "box", List.of(node), Lookup.namesOf(Kind.NODES))).isSameAs(node);
  }
}
