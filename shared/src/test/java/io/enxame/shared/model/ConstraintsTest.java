package io.enxame.shared.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConstraintsTest {
  private static final JsonObject NODE = new JsonObject().put("ID", "n1")
      .put("Spec", new JsonObject().put("Role", "manager").put("Labels", new JsonObject().put("Zone", "East")))
      .put("Description", new JsonObject().put("Hostname", "box1")
          .put("Platform", new JsonObject().put("OS", "linux").put("Architecture", "x86_64"))
          .put("Engine", new JsonObject().put("Labels", new JsonObject().put("ssd", "true"))));

  private static Constraints of(String... exprs) {
    return Constraints.of(new JsonObject().put("Spec", new JsonObject().put("TaskTemplate",
        new JsonObject().put("Placement", new JsonObject().put("Constraints", new JsonArray(List.of((Object[]) exprs)))))));
  }

  @Test
  void everyConstraintMustHoldAndValuesCompareIgnoringCase() {
    assertThat(of("node.role==manager", "node.hostname==BOX1", "node.labels.zone==east", "engine.labels.ssd==true",
        "node.platform.os==linux", "node.id!=n2").test(NODE)).isTrue();
    assertThat(of("node.role==manager", "node.role==worker").test(NODE)).isFalse();
  }

  @Test
  void aMissingLabelMatchesOnlyNotEqual() {
    assertThat(of("node.labels.rack==a").test(NODE)).isFalse();
    assertThat(of("node.labels.rack!=a").test(NODE)).isTrue();
  }

  @Test
  void anUnknownKeyMatchesNoNode() {
    assertThat(of("node.colour==red").test(NODE)).isFalse();
    assertThat(of("node.colour!=red").test(NODE)).isFalse();
  }

  @Test
  void malformedExpressionsAreNotConstraints() {
    assertThat(Constraints.parse("node.role=manager")).isEmpty();
    assertThat(Constraints.parse("node.labels.a=~x")).isEmpty();
    assertThat(Constraints.parse(" node.labels.a == b ")).isPresent();
  }
}
