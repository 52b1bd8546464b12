package io.enxame.scheduler.view;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.Times;
import io.enxame.shared.store.ChangeEvent;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduler's in-memory mirror of the store, rebuilt from a snapshot and kept current by the
 * change stream. It holds nothing the store does not: on a gap in the stream it is re-read whole.
 * Owned by one event loop (the scheduler verticle's): no locking.
 */
public final class ClusterView {
  public static final Kind[] KINDS = {Kind.CLUSTER, Kind.NODES, Kind.SERVICES, Kind.TASKS, Kind.NETWORKS};

  private final Map<Kind, Map<String, JsonObject>> objects = new EnumMap<>(Kind.class);
  /** When each task was first seen running: the updater's monitor needs it after the status moves on. */
  private final Map<String, Instant> runningSince = new HashMap<>();
  private long index = -1;

  public ClusterView() {
    for (Kind k : KINDS) objects.put(k, new HashMap<>());
  }

  public boolean loaded() { return index >= 0; }

  public long index() { return index; }

  public void load(StoreClient.Snapshot snapshot) {
    for (Kind k : KINDS) {
      Map<String, JsonObject> map = objects.get(k);
      map.clear();
      snapshot.of(k).forEach(o -> map.put(o.getString("ID"), o));
    }
    runningSince.keySet().retainAll(objects.get(Kind.TASKS).keySet());
    objects.get(Kind.TASKS).values().forEach(this::noteRunning);
    index = snapshot.index();
  }

  public enum Applied { APPLIED, STALE, GAP }

  /** Applies one change event; reports a gap when events were missed and the view must be re-read. */
  public Applied apply(ChangeEvent event, List<JsonObject> removed) {
    if (!loaded() || event.index() <= index) return Applied.STALE;
    if (event.prevIndex() > index) return Applied.GAP;
    for (Object o : event.changes()) {
      JsonObject change = (JsonObject) o;
      Optional<Kind> kind = Kind.fromWire(change.getString("kind"));
      if (kind.isEmpty() || !objects.containsKey(kind.get())) continue;
      Map<String, JsonObject> map = objects.get(kind.get());
      if ("delete".equals(change.getString("action"))) {
        JsonObject gone = map.remove(change.getString("id"));
        if (gone != null && kind.get() == Kind.TASKS) {
          removed.add(gone);
          runningSince.remove(gone.getString("ID"));
        }
      } else {
        JsonObject object = change.getJsonObject("object");
        map.put(change.getString("id"), object);
        if (kind.get() == Kind.TASKS) noteRunning(object);
      }
    }
    index = event.index();
    return Applied.APPLIED;
  }

  public Collection<JsonObject> all(Kind kind) { return objects.get(kind).values(); }

  public JsonObject get(Kind kind, String id) { return id == null ? null : objects.get(kind).get(id); }

  public Optional<JsonObject> cluster() { return objects.get(Kind.CLUSTER).values().stream().findFirst(); }

  /** Every task grouped by its service, in one pass over the tasks. */
  public Map<String, List<JsonObject>> tasksByService() {
    Map<String, List<JsonObject>> out = new HashMap<>();
    for (JsonObject t : objects.get(Kind.TASKS).values()) out.computeIfAbsent(t.getString("ServiceID", ""), s -> new ArrayList<>()).add(t);
    return out;
  }

  public List<JsonObject> tasksOfNode(String nodeId) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject t : objects.get(Kind.TASKS).values()) if (nodeId.equals(t.getString("NodeID"))) out.add(t);
    return out;
  }

  public Optional<Instant> runningSince(String taskId) { return Optional.ofNullable(runningSince.get(taskId)); }

  private void noteRunning(JsonObject task) {
    if ("running".equals(Json.string(task, "Status.State")) && !runningSince.containsKey(task.getString("ID"))) {
      String at = Json.string(task, "Status.Timestamp");
      runningSince.put(task.getString("ID"), at == null ? Instant.now() : Times.parse(at));
    }
  }

  public int taskHistoryLimit() {
    return cluster().map(c -> Json.number(c, "Spec.Orchestration.TaskHistoryRetentionLimit")).map(Long::intValue).orElse(5);
  }
}
