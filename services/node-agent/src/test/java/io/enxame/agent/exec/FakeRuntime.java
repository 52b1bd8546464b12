package io.enxame.agent.exec;

import io.enxame.shared.model.SwarmLabels;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An in-memory container engine for unit tests: records every call, answers at once. */
final class FakeRuntime implements ContainerRuntime {
  final Map<String, Fake> containers = new LinkedHashMap<>();
  final Set<String> images = new HashSet<>();
  final List<String> calls = new ArrayList<>();
  String createFailure;
  private int seq;
  volatile Handler<RuntimeEvent> events;
  volatile Handler<Throwable> eventsEnd;
  final java.util.concurrent.atomic.AtomicInteger subscriptions = new java.util.concurrent.atomic.AtomicInteger();

  static final class Fake {
    final String id;
    final ContainerSpec spec;
    String status = "created";
    long exitCode;
    String health;
    int stopTimeout = -1;

    Fake(String id, ContainerSpec spec) {
      this.id = id;
      this.spec = spec;
    }

    ContainerInfo info() {
      boolean running = "running".equals(status);
      return new ContainerInfo(id, status, running, exitCode, running ? 4242 : 0, health, "");
    }
  }

  /** A container left by an earlier agent, as adoption would find it. */
  Fake existing(String taskId, String nodeId, String status) {
    Fake f = new Fake("c" + (++seq), new ContainerSpec("t." + taskId, "img", Map.of(SwarmLabels.TASK_ID, taskId, SwarmLabels.NODE_ID, nodeId),
        List.of(), List.of(), List.of(), null, null, null, null, false, false, false, null, null, null, null, null, null, List.of(), List.of(), List.of(), null));
    f.status = status;
    containers.put(f.id, f);
    return f;
  }

  void exit(String id, long code) {
    Fake f = containers.get(id);
    f.status = "exited";
    f.exitCode = code;
    if (events != null) events.handle(new RuntimeEvent("die", id, f.spec.labels().get(SwarmLabels.TASK_ID)));
  }

  @Override public Future<JsonObject> describe() { return Future.succeededFuture(new JsonObject().put("Hostname", "fake")); }

  @Override public Future<Boolean> hasImage(String image) { return Future.succeededFuture(images.contains(image)); }

  @Override public Future<Void> pull(String image) {
    calls.add("pull " + image);
    return Future.failedFuture(new RuntimeFailure(404, "pull access denied for " + image));
  }

  @Override public Future<Void> removeNetworks(Set<String> swarmIds) {
    if (!swarmIds.isEmpty()) calls.add("remove networks " + new java.util.TreeSet<>(swarmIds));
    return Future.succeededFuture();
  }

  @Override public Future<String> create(ContainerSpec spec) {
    calls.add("create " + spec.name());
    if (createFailure != null) return Future.failedFuture(new RuntimeFailure(400, createFailure));
    if (containers.values().stream().anyMatch(c -> c.spec.name().equals(spec.name()))) {
      return Future.failedFuture(new RuntimeFailure(409, "Conflict. The container name is already in use"));
    }
    Fake f = new Fake("c" + (++seq), spec);
    containers.put(f.id, f);
    return Future.succeededFuture(f.id);
  }

  @Override public Future<Void> start(String id) {
    calls.add("start " + id);
    containers.get(id).status = "running";
    return Future.succeededFuture();
  }

  @Override public Future<Void> stop(String id, int timeoutSeconds) {
    calls.add("stop " + id + " " + timeoutSeconds);
    Fake f = containers.get(id);
    if (f != null && "running".equals(f.status)) {
      f.status = "exited";
      f.exitCode = 143;
      f.stopTimeout = timeoutSeconds;
    }
    return Future.succeededFuture();
  }

  @Override public Future<Void> remove(String id) {
    calls.add("remove " + id);
    containers.remove(id);
    return Future.succeededFuture();
  }

  @Override public Future<Optional<ContainerInfo>> inspect(String id) {
    return Future.succeededFuture(Optional.ofNullable(containers.get(id)).map(Fake::info));
  }

  @Override public Future<List<ContainerRef>> list(Map<String, String> labels) {
    return Future.succeededFuture(containers.values().stream()
        .filter(c -> c.spec.labels().entrySet().containsAll(labels.entrySet()))
        .map(c -> new ContainerRef(c.id, c.spec.labels().get(SwarmLabels.TASK_ID), "running".equals(c.status)))
        .toList());
  }

  @Override public Future<Subscription> events(Map<String, String> labels, Handler<RuntimeEvent> onEvent, Handler<Throwable> onEnd) {
    events = onEvent;
    eventsEnd = onEnd;
    subscriptions.incrementAndGet();
    return Future.succeededFuture(() -> {
      events = null;
      return Future.succeededFuture();
    });
  }

  @Override public Future<Void> close() { return Future.succeededFuture(); }
}
