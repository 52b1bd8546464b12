package io.enxame.gateway.logs;

import io.enxame.gateway.http.ApiVersions;
import io.enxame.gateway.http.Requests;
import io.enxame.gateway.http.UnixTimestamps;
import io.enxame.gateway.resolve.Lookup;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /services/{id}/logs} and {@code GET /tasks/{id}/logs} (moby's swarmLogs): the logs of every task
 * of the service, or of one task, from whichever nodes run them, through the scheduler's log broker. Lines
 * arrive at a per-request bus address; each delivery is answered once written to the client, which is the
 * flow control back to the nodes. Closing the response cancels the subscription.
 */
public final class LogRoutes {
  private final Vertx vertx;
  private final Lookup lookup;

  public LogRoutes(Vertx vertx, StoreClient store) {
    this.vertx = vertx;
    this.lookup = new Lookup(store);
  }

  public void mount(Router router) {
    router.get("/services/:id/logs").handler(ctx -> logs(ctx, Kind.SERVICES));
    router.get("/tasks/:id/logs").handler(ctx -> logs(ctx, Kind.TASKS));
  }

  /** The query, read with moby's rules. */
  private record Query(boolean follow, boolean timestamps, boolean details, boolean stdout, boolean stderr, long tail, long sinceNanos) {
    static Query of(RoutingContext ctx) {
      boolean stdout = Requests.bool(ctx, "stdout");
      boolean stderr = Requests.bool(ctx, "stderr");
      if (!stdout && !stderr) throw Failures.badRequest("Bad parameters: you must choose at least one stream");
      long since;
      try {
        since = UnixTimestamps.parseNanos(ctx.request().getParam("since"), "since");
      } catch (RuntimeException e) {
        throw Failures.badRequest("could not parse since timestamp: " + e.getMessage());
      }
      return new Query(Requests.bool(ctx, "follow"), Requests.bool(ctx, "timestamps"), Requests.bool(ctx, "details"),
          stdout, stderr, tail(ctx.request().getParam("tail")), since);
    }

    /** swarm's rule: empty or "all" is everything, else a non-negative integer. */
    static long tail(String raw) {
      if (raw == null || raw.isEmpty() || "all".equals(raw)) return -1;
      long t;
      try {
        t = Long.parseLong(raw);
      } catch (NumberFormatException e) {
        throw Failures.badRequest("tail value must be a positive integer or \"all\"");
      }
      if (t < 0) throw Failures.badRequest("negative tail values not supported");
      return t;
    }
  }

  private void logs(RoutingContext ctx, Kind kind) {
    Query query;
    try {
      query = Query.of(ctx);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    lookup.find(kind, ctx.pathParam("id")).compose(target -> {
      boolean tty = Boolean.TRUE.equals(Json.at(target, kind == Kind.SERVICES ? "Spec.TaskTemplate.ContainerSpec.TTY" : "Spec.ContainerSpec.TTY"));
      Stream stream = new Stream(ctx, query, !tty);
      JsonObject subscribe = new JsonObject().put("subscriptionId", stream.id)
          .put("services", new JsonArray(kind == Kind.SERVICES ? List.of(target.getString("ID")) : List.of()))
          .put("tasks", new JsonArray(kind == Kind.TASKS ? List.of(target.getString("ID")) : List.of()))
          .put("follow", query.follow).put("tail", query.tail).put("sinceNanos", query.sinceNanos)
          .put("stdout", query.stdout).put("stderr", query.stderr);
      return stream.open().compose(v -> vertx.eventBus().request(Addresses.LOGS_SUBSCRIBE, subscribe))
          .onFailure(e -> stream.close())
          .onSuccess(v -> stream.start(ApiVersions.atLeast(Requests.apiVersion(ctx), "1.42") && !tty ? LogFrames.MULTIPLEXED : LogFrames.RAW));
    }).onFailure(e -> {
      if (!ctx.response().headWritten()) ctx.fail(e);
    });
  }

  /** One request's subscription: its bus consumer and its response. */
  private final class Stream {
    final String id = Ids.newId();
    final RoutingContext ctx;
    final HttpServerResponse response;
    final Query query;
    final boolean mux;
    MessageConsumer<JsonObject> consumer;
    /** Deliveries taken while the client was behind: answered when the response drains. */
    final List<Message<JsonObject>> unanswered = new ArrayList<>();
    boolean finished;

    Stream(RoutingContext ctx, Query query, boolean mux) {
      this.ctx = ctx;
      this.response = ctx.response();
      this.query = query;
      this.mux = mux;
    }

    Future<Void> open() {
      consumer = vertx.eventBus().consumer(Addresses.logStream(id), this::deliver);
      response.drainHandler(v -> {
        unanswered.forEach(m -> m.reply(null));
        unanswered.clear();
      });
      response.closeHandler(v -> {
        if (finished) return;
        vertx.eventBus().send(Addresses.LOGS_CANCEL, new JsonObject().put("subscriptionId", id));
        close();
      });
      return consumer.completion();
    }

    void start(String contentType) {
      response.setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, contentType);
      response.writeHead();
    }

    private void deliver(Message<JsonObject> m) {
      JsonObject body = m.body();
      if (finished || response.closed()) {
        close();
        m.fail(Failures.NOT_FOUND, "log reader gone");
        return;
      }
      if (body.getBoolean("end", false)) {
        JsonArray errors = body.getJsonArray("errors", new JsonArray());
        if (!errors.isEmpty()) {
          // swarmkit's one warning, as moby's "Error grabbing logs: …" on the system-error stream (the CLI's error)
          Buffer text = Buffer.buffer("Error grabbing logs: warning: incomplete log stream. some logs could not be retrieved for the following reasons: "
              + String.join(", ", errors.stream().map(String::valueOf).toList()) + "\n");
          response.write(mux ? LogFrames.frame(LogFrames.SYSTEM_ERROR, text) : text);
        }
        close();
        response.end();
        return;
      }
      for (Object o : body.getJsonArray("lines", new JsonArray())) {
        JsonObject l = (JsonObject) o;
        int source = l.getInteger("stream", LogFrames.STDOUT);
        if ((source == LogFrames.STDOUT && !query.stdout) || (source == LogFrames.STDERR && !query.stderr)) continue;
        Buffer line = LogFrames.line(l.getBinary("data"), l.getLong("time", 0L),
            LogFrames.details(l.getString("node"), l.getString("service"), l.getString("task")), query.timestamps, query.details);
        response.write(mux ? LogFrames.frame(source, line) : line);
      }
      // The answer lets the node send more: only once the client is keeping up.
      if (response.writeQueueFull()) unanswered.add(m);
      else m.reply(null);
    }

    void close() {
      finished = true;
      if (consumer != null) consumer.unregister();
    }
  }
}
