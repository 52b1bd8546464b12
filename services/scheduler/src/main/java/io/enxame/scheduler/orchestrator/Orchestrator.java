package io.enxame.scheduler.orchestrator;

import io.enxame.scheduler.allocator.NetworkAllocator;
import io.enxame.scheduler.placement.NodeLoad;
import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drives reconciliation: changes mark the cluster dirty, a short debounce later every service is
 * reconciled against the view and all decisions are committed in one transaction. Only one
 * transaction is in flight, and the next pass waits until the view has seen its result, so a
 * decision is never made twice from a stale view.
 */
public final class Orchestrator {
  private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);
  private static final long DEBOUNCE_MS = 10;
  private static final long RETRY_MS = 500;

  private final Vertx vertx;
  private final ClusterView view;
  private final StoreClient store;
  private final Clock clock;
  private long pendingTimer = -1;
  private long wakeTimer = -1;
  private boolean inFlight;
  private long awaitIndex;
  private boolean stopped;
  private boolean active = true;

  public Orchestrator(Vertx vertx, ClusterView view, StoreClient store, Clock clock) {
    this.vertx = vertx;
    this.view = view;
    this.store = store;
    this.clock = clock;
  }

  /** Something changed: reconcile soon. */
  public void trigger() {
    if (stopped || pendingTimer >= 0) return;
    pendingTimer = vertx.setTimer(DEBOUNCE_MS, id -> {
      pendingTimer = -1;
      reconcileAll();
    });
  }

  /**
   * Whether this orchestrator decides. Among several managers only the one beside the store's leader does, as in
   * swarmkit: two deciding from their own views would fill the same slot twice.
   */
  public void active(boolean active) {
    if (this.active == active) return;
    this.active = active;
    LOG.info(active ? "orchestrating: this manager's store member leads" : "standing by: another manager leads");
    if (active) trigger();
  }

  public void stop() {
    stopped = true;
    if (pendingTimer >= 0) vertx.cancelTimer(pendingTimer);
    if (wakeTimer >= 0) vertx.cancelTimer(wakeTimer);
  }

  private void reconcileAll() {
    if (!active || inFlight || !view.loaded() || view.index() < awaitIndex) return; // the view's catch-up triggers again
    Instant now = clock.instant();
    NodeLoad load = NodeLoad.of(view.all(Kind.TASKS));
    List<JsonObject> ops = new ArrayList<>();
    Optional<Instant> wake = Optional.empty();
    Map<String, List<JsonObject>> tasksByService = view.tasksByService();
    for (JsonObject service : view.all(Kind.SERVICES)) {
      List<JsonObject> tasks = tasksByService.getOrDefault(service.getString("ID"), List.of());
      ServiceReconciler.Result r;
      if (ServiceReconciler.handles(service)) {
        r = ServiceReconciler.reconcile(service, tasks, view.all(Kind.NODES), load, now, view.taskHistoryLimit(), view::runningSince);
      } else if (JobReconciler.handles(service)) {
        r = JobReconciler.reconcile(service, tasks, view.all(Kind.NODES), load, now, view.taskHistoryLimit());
      } else {
        continue;
      }
      r.ops().forEach(op -> ops.add(NetworkAllocator.allocate(op, id -> view.get(Kind.NETWORKS, id))));
      wake = earliest(wake, r.wakeAt());
    }
    // Tasks whose service is gone (created while it was being removed): nothing will ever run them.
    tasksByService.forEach((serviceId, tasks) -> {
      if (view.get(Kind.SERVICES, serviceId) == null) {
        tasks.forEach(t -> ops.add(StoreOp.deleteIfExists(Kind.TASKS, t.getString("ID"))));
      }
    });
    wake.ifPresent(this::wakeAt);
    if (ops.isEmpty()) return;
    inFlight = true;
    store.tx(ops).onComplete(ar -> {
      inFlight = false;
      if (ar.succeeded()) {
        awaitIndex = ar.result().index();
        if (view.index() >= awaitIndex) trigger();
      } else {
        LOG.warn("reconciliation not committed, retrying: " + ar.cause().getMessage());
        vertx.setTimer(RETRY_MS, id -> trigger());
      }
    });
  }

  private void wakeAt(Instant when) {
    if (wakeTimer >= 0) vertx.cancelTimer(wakeTimer);
    long delay = Math.max(1, Duration.between(clock.instant(), when).toMillis() + 1);
    wakeTimer = vertx.setTimer(delay, id -> {
      wakeTimer = -1;
      trigger();
    });
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) return b;
    if (b.isEmpty()) return a;
    return a.get().isBefore(b.get()) ? a : b;
  }
}
