package io.enxame.store;

import io.enxame.shared.bus.Failures;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Group commit on the proposer: one Raft entry of transactions at a time, and those that arrive while it is on
 * its way go together into the next entry ({@code {"now","txs":[{"ops":[...]},...]}}, applied by {@link
 * ClusterState#applyBatch}), so a burst of clients costs one Raft round, one seal and one fsync per entry
 * instead of per transaction. Each transaction still gets its own result: a refused one fails alone. (One entry in
 * flight rather than several: the entries are fuller, and with the CPU as the limit that was faster, by 1.5× with
 * one member and 16 clients; a lone client waits for nothing.)
 *
 * <p>An entry is the longest run at the head of the queue whose transactions name distinct objects (and
 * that fits {@link #MAX_TXS} and {@link #MAX_BYTES}): a transaction on an object already in the entry starts
 * the next one, so the queue's order is the log's order, and each object changes at most once per entry,
 * which keeps Version.Index (the entry's index) exact for optimistic concurrency. Durability is Raft's: a
 * transaction's result comes back only once its entry is committed on a majority and applied; the entry is one
 * Raft request, so the client's retries of it (same call id) are deduplicated by Ratis's retry cache.
 *
 * <p>Confined to one event loop (the store verticle's): {@code submit}'s future must complete on it.
 */
final class GroupCommit {
  static final int MAX_TXS = 256;
  static final int MAX_BYTES = 1 << 20;

  private record Pending(Buffer json, Set<String> targets, Promise<JsonObject> result) {}

  private final Deque<Pending> queue = new ArrayDeque<>();
  private final Supplier<String> clock;
  private final Function<Buffer, Future<JsonObject>> submit;
  private boolean inFlight;

  /**
   * @param clock  the proposer's time for the entry ("now": applying stays deterministic)
   * @param submit proposes an entry's JSON; its future is the entry's reply ({@code {"results":[...]}}) or why
   *               the entry failed as a whole (no leader: every transaction in it fails with that)
   */
  GroupCommit(Supplier<String> clock, Function<Buffer, Future<JsonObject>> submit) {
    this.clock = clock;
    this.submit = submit;
  }

  /** Queues a transaction ({@code {"ops":[...]}}); its result is {@code {"index":N,"objects":[...]}}. */
  Future<JsonObject> add(JsonArray ops) {
    JsonObject tx = new JsonObject().put("ops", ops);
    Pending p = new Pending(tx.toBuffer(), ClusterState.targets(tx), Promise.promise());
    queue.add(p);
    flush();
    return p.result().future();
  }

  private void flush() {
    if (inFlight || queue.isEmpty()) return;
    List<Pending> batch = next();
    inFlight = true;
    Future<JsonObject> reply;
    try {
      reply = submit.apply(entry(batch));
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
      inFlight = false;
      complete(batch, ar);
      flush();
    });
  }

  /** Takes the next entry's transactions off the queue: at least one, then while they fit and name distinct objects. */
  private List<Pending> next() {
    List<Pending> batch = new ArrayList<>();
    Set<String> targets = new HashSet<>();
    int bytes = 0;
    while (!queue.isEmpty() && batch.size() < MAX_TXS) {
      Pending p = queue.peek();
      boolean fits = batch.isEmpty() || bytes + p.json().length() <= MAX_BYTES && p.targets().stream().noneMatch(targets::contains);
      if (!fits) break;
      queue.poll();
      batch.add(p);
      targets.addAll(p.targets());
      bytes += p.json().length();
    }
    return batch;
  }

  private Buffer entry(List<Pending> batch) {
    Buffer b = Buffer.buffer(64 + batch.stream().mapToInt(p -> p.json().length() + 1).sum());
    b.appendString("{\"now\":").appendString(Json.encode(clock.get())).appendString(",\"txs\":[");
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) b.appendByte((byte) ',');
      b.appendBuffer(batch.get(i).json());
    }
    return b.appendString("]}");
  }

  private static void complete(List<Pending> batch, AsyncResult<JsonObject> ar) {
    if (ar.failed()) {
      batch.forEach(p -> p.result().fail(ar.cause()));
      return;
    }
    JsonArray results = ar.result().getJsonArray("results", new JsonArray());
    for (int i = 0; i < batch.size(); i++) {
      Promise<JsonObject> result = batch.get(i).result();
      JsonObject r = i < results.size() ? results.getJsonObject(i) : null;
      JsonObject error = r == null ? null : r.getJsonObject("error");
      if (r == null) result.fail(Failures.of(Failures.INTERNAL, "store failure: no result for a transaction"));
      else if (error != null) result.fail(Failures.of(error.getInteger("status"), error.getString("message")));
      else result.complete(r);
    }
  }
}
