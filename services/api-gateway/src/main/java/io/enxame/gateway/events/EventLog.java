package io.enxame.gateway.events;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.ChangeEvent;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * This gateway's event history and live feed: every swarm event derived from the store's change stream
 * since the gateway started, the last {@link #CAPACITY} kept for {@code since} replays (Docker keeps 1000
 * too), and the open {@code /events} streams that receive new ones. Each gateway keeps its own ring.
 */
public final class EventLog {
  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
  public static final int CAPACITY = 1000;

  private final Vertx vertx;
  private final StoreClient store;
  private final SwarmEvents events = new SwarmEvents();
  private final Deque<JsonObject> ring = new ArrayDeque<>();
  private final Set<Consumer<JsonObject>> listeners = new LinkedHashSet<>();
  private final List<ChangeEvent> early = new ArrayList<>();
  private MessageConsumer<JsonObject> changes;
  private long lastIndex = -1;
  private boolean loading;

  public EventLog(Vertx vertx, StoreClient store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** Subscribes to the change stream, then loads the objects' current versions (retrying until the store answers). */
  public Future<Void> start() {
    changes = vertx.eventBus().consumer(Addresses.STORE_CHANGES, m -> onChange(ChangeEvent.fromJson(m.body())));
    return changes.completion().onSuccess(v -> reload());
  }

  public Future<Void> stop() {
    listeners.clear();
    return changes == null ? Future.succeededFuture() : changes.unregister();
  }

  private void reload() {
    loading = true;
    store.snapshot(SwarmEvents.KINDS.toArray(Kind[]::new)).onSuccess(snap -> {
      events.reset(snap.items().values().stream().flatMap(List::stream).toList());
      lastIndex = snap.index();
      loading = false;
      List<ChangeEvent> buffered = new ArrayList<>(early);
      early.clear();
      buffered.forEach(this::onChange);
    }).onFailure(e -> {
      LOG.debug("event history waits for the store: {}", e.getMessage());
      vertx.setTimer(500, id -> reload());
    });
  }

  private void onChange(ChangeEvent change) {
    if (loading) {
      early.add(change);
      return;
    }
    if (change.index() <= lastIndex) return; // already in the snapshot
    if (change.prevIndex() > lastIndex) {
      // Missed commits: their events are lost, but the next updates must compare against the truth.
      LOG.warn("store change stream skipped from {} to {}: re-reading objects", lastIndex, change.prevIndex());
      early.add(change);
      reload();
      return;
    }
    lastIndex = change.index();
    for (JsonObject event : events.derive(change, Instant.now())) {
      ring.addLast(event);
      if (ring.size() > CAPACITY) ring.removeFirst();
      List.copyOf(listeners).forEach(l -> l.accept(event));
    }
  }

  /** Kept events with {@code since <= timeNano <= until} (0 = unbounded), oldest first. */
  public List<JsonObject> history(long sinceNanos, long untilNanos) {
    return ring.stream().filter(e -> {
      long t = e.getLong("timeNano");
      return t >= sinceNanos && (untilNanos <= 0 || t <= untilNanos);
    }).toList();
  }

  public void listen(Consumer<JsonObject> listener) { listeners.add(listener); }

  public void unlisten(Consumer<JsonObject> listener) { listeners.remove(listener); }
}
