package io.enxame.gateway.services;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceSpecsTest {
  private static JsonObject spec(String mode) {
    return new JsonObject("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox:latest\"}},\"Mode\":" + mode + "}");
  }

  private static void assertBadRequest(JsonObject spec, String message) {
    assertThatThrownBy(() -> ServiceSpecs.normalize(spec)).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(400);
      assertThat(e.getMessage()).contains(message);
    });
  }

  @Test
  void emptyReplicatedMeansOneReplicaAndForceUpdateDefaultsToZero() {
    JsonObject s = ServiceSpecs.normalize(spec("{\"Replicated\":{}}"));
    assertThat(s.getJsonObject("Mode").encode()).isEqualTo("{\"Replicated\":{\"Replicas\":1}}");
    assertThat(s.getJsonObject("TaskTemplate").getLong("ForceUpdate")).isZero();
  }

  @Test
  void missingModeIsMobysDefault() {
    JsonObject s = ServiceSpecs.normalize(spec("null"));
    assertThat(s.getJsonObject("Mode").encode()).isEqualTo("{\"Replicated\":{\"Replicas\":1}}");
  }

  @Test
  void replicatedJobDefaults() {
    JsonObject s = ServiceSpecs.normalize(spec("{\"ReplicatedJob\":{}}"));
    assertThat(s.getJsonObject("Mode").getJsonObject("ReplicatedJob").encode()).isEqualTo("{\"MaxConcurrent\":1,\"TotalCompletions\":1}");
    JsonObject t = ServiceSpecs.normalize(spec("{\"ReplicatedJob\":{\"MaxConcurrent\":3}}"));
    assertThat(t.getJsonObject("Mode").getJsonObject("ReplicatedJob").getLong("TotalCompletions")).isEqualTo(3);
    assertThat(ServiceSpecs.isJob(t)).isTrue();
  }

  @Test
  void globalStaysAnEmptyObject() {
    assertThat(ServiceSpecs.normalize(spec("{\"Global\":{}}")).getJsonObject("Mode").encode()).isEqualTo("{\"Global\":{}}");
  }

  @Test
  void createsContainerSpecButRequiresAnImage() {
    assertBadRequest(new JsonObject().put("Name", "web"), "ContainerSpec: image reference must be provided");
    assertBadRequest(spec("{\"Replicated\":{}}").put("TaskTemplate", new JsonObject().put("ContainerSpec", new JsonObject().put("Image", ""))),
        "image reference must be provided");
  }

  @Test
  void refusesBadNames() {
    for (String name : List.of("", "-web", "a b", "web/1", "x".repeat(64))) {
      assertBadRequest(spec("{\"Replicated\":{}}").put("Name", name), "invalid service name");
    }
    assertBadRequest(spec("{\"Replicated\":{}}").putNull("Name"), "invalid service name");
    assertThat(ServiceSpecs.normalize(spec("{\"Replicated\":{}}").put("Name", "st_web.1-a")).getString("Name")).isEqualTo("st_web.1-a");
  }

  @Test
  void refusesNegativeOrFractionalCountsAndSeveralModes() {
    assertBadRequest(spec("{\"Replicated\":{\"Replicas\":-1}}"), "Replicas");
    assertBadRequest(spec("{\"Replicated\":{\"Replicas\":1.5}}"), "Replicas");
    assertBadRequest(spec("{\"Replicated\":{\"Replicas\":\"3\"}}"), "Replicas");
    assertBadRequest(spec("{\"Replicated\":{},\"Global\":{}}"), "only one service mode");
    assertBadRequest(spec("{\"ReplicatedJob\":{\"MaxConcurrent\":-2}}"), "MaxConcurrent");
  }

  @Test
  void leavesTheRequestUntouched() {
    JsonObject in = spec("{\"Replicated\":{}}");
    ServiceSpecs.normalize(in);
    assertThat(in.getJsonObject("Mode").getJsonObject("Replicated").isEmpty()).isTrue();
  }

  @Test
  void insertDefaultsFillsOnlyWhatIsAbsent() {
    JsonObject s = ServiceSpecs.normalize(spec("{\"Replicated\":{}}"));
    s.put("UpdateConfig", new JsonObject().put("Parallelism", 2));
    s.put("EndpointSpec", new JsonObject().put("Mode", ""));
    JsonObject d = ServiceDefaults.insert(s);
    assertThat(d.getJsonObject("UpdateConfig").getLong("Parallelism")).isEqualTo(2);
    assertThat(d.getJsonObject("UpdateConfig").getString("Order")).isEqualTo("stop-first");
    assertThat(d.getJsonObject("UpdateConfig").getLong("Monitor")).isEqualTo(5_000_000_000L);
    assertThat(d.getJsonObject("RollbackConfig").getString("FailureAction")).isEqualTo("pause");
    assertThat(d.getJsonObject("TaskTemplate").getJsonObject("RestartPolicy").getString("Condition")).isEqualTo("any");
    assertThat(d.getJsonObject("TaskTemplate").getJsonObject("ContainerSpec").getLong("StopGracePeriod")).isEqualTo(10_000_000_000L);
    assertThat(d.getJsonObject("TaskTemplate").getJsonObject("ContainerSpec").getString("Image")).isEqualTo("busybox:latest");
    assertThat(d.getJsonObject("EndpointSpec").getString("Mode")).isEqualTo("vip");
    assertThat(s.getJsonObject("TaskTemplate").containsKey("RestartPolicy")).isFalse();
  }

  @Test
  void endpointGetsDefaultsAndDynamicIngressPorts() {
    JsonObject s = spec("{\"Replicated\":{}}").put("EndpointSpec", new JsonObject().put("Ports", new JsonArray()
        .add(new JsonObject().put("TargetPort", 80).put("PublishedPort", 8080))
        .add(new JsonObject().put("TargetPort", 443))));
    JsonObject other = new JsonObject().put("ID", "o").put("Spec", new JsonObject().put("Name", "o")).put("Endpoint", new JsonObject()
        .put("Ports", new JsonArray().add(new JsonObject().put("PublishMode", "ingress").put("PublishedPort", 30000))));
    JsonObject endpoint = Endpoints.allocate(s, null, List.of(other));
    JsonArray ports = endpoint.getJsonArray("Ports");
    assertThat(ports.getJsonObject(0).encode())
        .isEqualTo("{\"TargetPort\":80,\"PublishedPort\":8080,\"Protocol\":\"tcp\",\"PublishMode\":\"ingress\"}");
    assertThat(ports.getJsonObject(1).getInteger("PublishedPort")).isEqualTo(30001);
    assertThat(endpoint.getJsonObject("Spec")).isEqualTo(s.getJsonObject("EndpointSpec"));
    // An update keeps the allocated port; another service can't take it.
    assertThat(Endpoints.allocate(s, endpoint, List.of()).getJsonArray("Ports").getJsonObject(1).getInteger("PublishedPort")).isEqualTo(30001);
    JsonObject mine = new JsonObject().put("ID", "m").put("Spec", new JsonObject().put("Name", "web")).put("Endpoint", endpoint);
    assertThatThrownBy(() -> Endpoints.allocate(s, null, List.of(mine))).hasMessageContaining("port '8080' is already in use by service 'web'");
  }

  @Test
  void updateKeepsTheNameAndModeAndSwapsOnRollback() {
    JsonObject v1 = ServiceSpecs.normalize(spec("{\"Replicated\":{\"Replicas\":1}}"));
    JsonObject current = new JsonObject().put("ID", "s1").put("Spec", v1).put("Version", new JsonObject().put("Index", 7))
        .put("UpdateStatus", new JsonObject().put("State", "completed"));
    assertThatThrownBy(() -> ServiceUpdate.next(current, null, 7, List.of())).hasMessage("service s1 does not have a previous spec");
    assertThatThrownBy(() -> ServiceUpdate.next(current, v1.copy().put("Name", "web2"), 7, List.of()))
        .hasMessage("renaming services is not supported");
    assertThatThrownBy(() -> ServiceUpdate.next(current, ServiceSpecs.normalize(spec("{\"Global\":{}}")), 7, List.of()))
        .hasMessage("service mode change is not allowed");

    JsonObject v2 = ServiceSpecs.normalize(spec("{\"Replicated\":{\"Replicas\":3}}"));
    JsonObject updated = ServiceUpdate.next(current, v2, 7, List.of());
    assertThat(updated.getJsonObject("Spec")).isEqualTo(v2);
    assertThat(updated.getJsonObject("PreviousSpec")).isEqualTo(v1);
    assertThat(updated.containsKey("UpdateStatus")).isFalse();

    JsonObject rolledBack = ServiceUpdate.next(updated, null, 8, List.of());
    assertThat(rolledBack.getJsonObject("Spec")).isEqualTo(v1);
    assertThat(rolledBack.getJsonObject("PreviousSpec")).isEqualTo(v2);
  }
}
