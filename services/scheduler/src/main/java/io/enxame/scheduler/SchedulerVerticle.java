package io.enxame.scheduler;

import io.enxame.scheduler.dispatcher.DispatcherServer;
import io.enxame.scheduler.dispatcher.OrphanedNodes;
import io.enxame.scheduler.roles.RoleReconciler;
import io.enxame.shared.tls.NodeTls;
import io.enxame.scheduler.orchestrator.Orchestrator;
import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.store.ChangeEvent;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler: keeps a view of the store, reconciles services into tasks, and serves the
 * dispatcher that node-agents connect to. Config: {@code {"dispatcherHost","dispatcherPort","tls","storeMember"}} ({@code tls}: see
 * {@link NodeTls}; without it the dispatcher speaks plaintext, for tests on loopback; {@code storeMember}: the store
 * member of this manager — the scheduler then orchestrates only while that member leads — or absent when one store serves all).
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  private static final long LEADERSHIP_POLL_MS = 200;

  private final ClusterView view = new ClusterView();
  private final List<ChangeEvent> early = new ArrayList<>();
  private StoreClient store;
  private Orchestrator orchestrator;
  private DispatcherServer dispatcher;
  private MessageConsumer<JsonObject> changes;
  private int dispatcherPort;
  private long leadershipTimer = -1;

  @Override
  public Future<?> start() {
    store = new StoreClient(vertx.eventBus());
    orchestrator = new Orchestrator(vertx, view, store, Clock.systemUTC());
    String member = config().getString("storeMember");
    if (member != null) followLeadership(member);
    dispatcher = new DispatcherServer(vertx, view, store, member);
    changes = vertx.eventBus().consumer(Addresses.STORE_CHANGES, m -> onChange(ChangeEvent.fromJson(m.body())));
    return changes.completion()
        .compose(v -> resync())
        .compose(v -> dispatcher.listen(config().getString("dispatcherHost", "127.0.0.1"), config().getInteger("dispatcherPort", 2377),
            NodeTls.fromConfig(config().getJsonObject("tls"))))
        .onSuccess(port -> dispatcherPort = port);
  }

  /**
   * On a manager of several, orchestrates only while its own store member leads: the store answers who leads
   * without a network round trip, so it is asked often; no answer (no quorum, locked) means standing by. The leader
   * also knows which members it hears from: nodes held by one it does not are marked down ({@link OrphanedNodes}); and
   * which members belong to demoted nodes, which it takes out of the group ({@link RoleReconciler}).
   */
  private void followLeadership(String member) {
    orchestrator.active(false);
    OrphanedNodes orphans = new OrphanedNodes(vertx, view, store);
    RoleReconciler roles = new RoleReconciler(view, store);
    leadershipTimer = vertx.setPeriodic(LEADERSHIP_POLL_MS, id -> store.members().onComplete(ar -> {
      boolean leading = ar.succeeded() && member.equals(ar.result().getString("leaderId"));
      orchestrator.active(leading);
      if (leading && view.loaded()) {
        orphans.check(ar.result());
        roles.check(ar.result());
      }
    }));
  }

  /** The port the dispatcher listens on (useful when configured with 0). */
  public int dispatcherPort() { return dispatcherPort; }

  @Override
  public Future<?> stop() {
    orchestrator.stop();
    if (leadershipTimer >= 0) vertx.cancelTimer(leadershipTimer);
    return changes.unregister().compose(v -> dispatcher.stop());
  }

  private void onChange(ChangeEvent event) {
    if (!view.loaded()) {
      early.add(event);
      return;
    }
    List<JsonObject> removed = new ArrayList<>();
    switch (view.apply(event, removed)) {
      case APPLIED -> {
        dispatcher.onChange(event, removed);
        orchestrator.trigger();
      }
      case GAP -> resync().onSuccess(v -> dispatcher.resendAll());
      case STALE -> { }
    }
  }

  /** (Re-)reads the whole view; retries while the store is not answering yet. */
  private Future<Void> resync() {
    Promise<Void> done = Promise.promise();
    attemptResync(done, 0);
    return done.future();
  }

  private void attemptResync(Promise<Void> done, int attempt) {
    store.snapshot(ClusterView.KINDS).onSuccess(snapshot -> {
      view.load(snapshot);
      List<ChangeEvent> buffered = new ArrayList<>(early);
      early.clear();
      buffered.forEach(this::onChange);
      orchestrator.trigger();
      done.complete();
    }).onFailure(e -> {
      if (attempt % 20 == 0) LOG.info("waiting for the store: " + e.getMessage());
      vertx.setTimer(250, id -> attemptResync(done, attempt + 1));
    });
  }
}
