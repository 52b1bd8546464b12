package io.enxame.gateway.events;

import io.enxame.gateway.filters.Filters;
import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.UnixTimestamps;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * {@code GET /events}: the swarm events of {@link EventLog} as a stream of JSON messages, one per line.
 * {@code since} and/or {@code until} replay the kept history first (none without either, as moby); an
 * {@code until} in the past closes the stream after the replay, one in the future when it comes.
 */
public final class EventRoutes {
  private final Vertx vertx;
  private final EventLog log;

  public EventRoutes(Vertx vertx, EventLog log) {
    this.vertx = vertx;
    this.log = log;
  }

  public void mount(Router router) {
    router.get("/events").handler(this::events);
  }

  private void events(RoutingContext ctx) {
    long since;
    long until;
    EventFilter filter;
    try {
      since = UnixTimestamps.parseNanos(ctx.request().getParam("since"), "since");
      until = UnixTimestamps.parseNanos(ctx.request().getParam("until"), "until");
      filter = new EventFilter(Filters.parse(ctx.request().getParam("filters")));
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    long now = System.currentTimeMillis() * 1_000_000L;
    HttpServerResponse response = ctx.response().setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, Replies.JSON);
    response.setStatusCode(200);
    response.writeHead(); // the headers go out now: clients wait for them before reading the stream
    if (since > 0 || until > 0) {
      // at most the ring's 1000 events: written at once, whatever the client's pace
      log.history(since, until).stream().filter(filter).forEach(e -> response.write(e.encode() + "\n"));
    }
    if (until > 0 && until <= now) {
      response.end();
      return;
    }
    Backlog backlog = new Backlog(response);
    Consumer<JsonObject> live = e -> {
      if (filter.test(e) && (until <= 0 || e.getLong("timeNano") <= until)) backlog.write(e);
    };
    log.listen(live);
    long timer = until > 0 ? vertx.setTimer(Math.max(1, (until - now) / 1_000_000L), id -> {
      log.unlisten(live);
      if (!response.ended()) response.end();
    }) : -1;
    response.closeHandler(v -> {
      log.unlisten(live);
      if (timer >= 0) vertx.cancelTimer(timer);
    });
  }

  /**
   * Live events wait here while the connection's write queue is full, up to {@link EventLog#CAPACITY} of
   * them (a burst from one big transaction fits); a reader further behind than that is cut off rather than
   * buffered without bound.
   */
  private static final class Backlog {
    private final HttpServerResponse response;
    private final Deque<JsonObject> waiting = new ArrayDeque<>();

    Backlog(HttpServerResponse response) {
      this.response = response;
      response.drainHandler(v -> drain());
    }

    void write(JsonObject event) {
      if (response.ended() || response.closed()) return;
      if (waiting.size() >= EventLog.CAPACITY) {
        waiting.clear();
        response.reset();
        return;
      }
      waiting.addLast(event);
      drain();
    }

    private void drain() {
      while (!waiting.isEmpty() && !response.writeQueueFull() && !response.ended()) {
        response.write(waiting.removeFirst().encode() + "\n");
      }
    }
  }
}
