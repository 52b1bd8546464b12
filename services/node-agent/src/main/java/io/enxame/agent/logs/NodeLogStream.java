package io.enxame.agent.logs;

import com.google.protobuf.ByteString;
import io.enxame.agent.exec.ContainerInfo;
import io.enxame.agent.exec.ContainerRef;
import io.enxame.agent.exec.ContainerRuntime;
import io.enxame.agent.exec.LogEntry;
import io.enxame.agent.exec.LogQuery;
import io.enxame.agent.exec.LogSink;
import io.enxame.shared.dispatcher.LogBatch;
import io.enxame.shared.dispatcher.LogLine;
import io.enxame.shared.dispatcher.LogSubscription;
import io.enxame.shared.model.SwarmLabels;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One log subscription on this node: a reader per selected task's container feeding one bounded queue, and a
 * pump that sends the queue in batches, at most {@code window} unacknowledged. A full queue blocks the
 * readers' threads, which stops reading from the engine: memory stays bounded whatever the reader's pace.
 * While following, a task whose container does not run yet is looked at again until it does.
 */
final class NodeLogStream {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLogStream.class);
  static final int QUEUE_LINES = 1024;
  static final int BATCH_LINES = 256;
  static final int BATCH_BYTES = 64 * 1024;
  static final long RETRY_MIN_MS = 100;
  static final long RETRY_MAX_MS = 1000;
  /** A task with no container at all after this long (rejected, pruned) is given up, even when following. */
  static final long GIVE_UP_MS = 60_000;

  private final Vertx vertx;
  private final Context context;
  private final ContainerRuntime runtime;
  private final LogSubscription options;
  private final Consumer<LogBatch> send;
  private final Runnable onDone;
  private final int window;
  private final BlockingQueue<LogLine> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private final Set<String> tasks = new HashSet<>();
  private final Map<String, ContainerRuntime.Subscription> readers = new HashMap<>();
  private final Set<Long> timers = new HashSet<>();
  private int active;
  private int inflight;
  private String error = "";
  private boolean doneSent;
  private volatile boolean closed;

  NodeLogStream(Vertx vertx, ContainerRuntime runtime, LogSubscription options, Consumer<LogBatch> send, Runnable onDone) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.runtime = runtime;
    this.options = options;
    this.send = send;
    this.onDone = onDone;
    this.window = options.getWindow() > 0 ? options.getWindow() : 4;
  }

  void add(List<String> taskIds) {
    for (String id : taskIds) {
      if (!tasks.add(id)) continue;
      active++;
      attach(id, 0);
    }
    pump(); // a subscription with nothing to read on this node is done at once
  }

  /** Finds the task's container and starts reading it once it has run. */
  private void attach(String taskId, long waitedMs) {
    if (closed) return;
    runtime.list(Map.of(SwarmLabels.TASK_ID, taskId))
        .compose(refs -> refs.stream().filter(ContainerRef::running).findFirst().or(() -> refs.stream().findFirst())
            .map(ref -> runtime.inspect(ref.id())).orElse(Future.succeededFuture(Optional.empty())))
        .onSuccess(info -> {
          boolean started = info.isPresent() && !"created".equals(info.get().status());
          if (started) read(taskId, info.get());
          else if (options.getFollow() && (info.isPresent() || waitedMs < GIVE_UP_MS)) retry(taskId, waitedMs);
          else finished(taskId);
        })
        .onFailure(e -> failed(taskId, e));
  }

  private void retry(String taskId, long waitedMs) {
    if (closed) return;
    long delay = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, waitedMs));
    long[] id = new long[1];
    id[0] = vertx.setTimer(delay, t -> {
      timers.remove(id[0]);
      attach(taskId, waitedMs + delay);
    });
    timers.add(id[0]);
  }

  private void read(String taskId, ContainerInfo container) {
    LogQuery query = new LogQuery(options.getFollow(), (int) Math.min(Integer.MAX_VALUE, options.getTail()),
        options.getSinceNanos(), options.getStdout(), options.getStderr());
    runtime.logs(container.id(), query, new Sink(taskId)).onSuccess(sub -> {
      if (closed) sub.close();
      else readers.put(taskId, sub);
    }).onFailure(e -> failed(taskId, e));
  }

  /** Runs on the runtime's reading thread. */
  private final class Sink implements LogSink {
    private final String taskId;

    Sink(String taskId) { this.taskId = taskId; }

    @Override
    public void entry(LogEntry e) {
      LogLine line = LogLine.newBuilder().setTaskId(taskId).setStream(e.stream()).setTimestampNanos(e.timeNanos())
          .setData(ByteString.copyFrom(e.data())).build();
      try {
        while (!closed && !queue.offer(line, 100, TimeUnit.MILLISECONDS)) {
          // the reader is slow: keep the engine waiting rather than buffer more
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      schedulePump();
    }

    @Override
    public void end(Throwable failure) {
      context.runOnContext(v -> {
        readers.remove(taskId);
        if (failure != null) failed(taskId, failure);
        else finished(taskId);
      });
    }
  }

  private void failed(String taskId, Throwable e) {
    if (closed) return;
    LOG.debug("logs of task {}: {}", taskId, e.getMessage());
    error = "failed getting logs of task " + taskId + ": " + e.getMessage();
    finished(taskId);
  }

  private void finished(String taskId) {
    active--;
    pump();
  }

  private void schedulePump() {
    if (pumpScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        pumpScheduled.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (closed) return;
    while (inflight < window && !queue.isEmpty()) {
      List<LogLine> lines = new ArrayList<>();
      int bytes = 0;
      LogLine line;
      while (lines.size() < BATCH_LINES && bytes < BATCH_BYTES && (line = queue.poll()) != null) {
        lines.add(line);
        bytes += line.getData().size();
      }
      inflight++;
      send.accept(LogBatch.newBuilder().setSubscriptionId(options.getSubscriptionId()).addAllLines(lines).build());
    }
    if (!options.getFollow() && active == 0 && queue.isEmpty() && !doneSent) {
      doneSent = true;
      send.accept(LogBatch.newBuilder().setSubscriptionId(options.getSubscriptionId()).setDone(true).setError(error).build());
      close();
      onDone.run();
    }
  }

  void ack() {
    inflight = Math.max(0, inflight - 1);
    pump();
  }

  void close() {
    if (closed) return;
    closed = true;
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    readers.values().forEach(ContainerRuntime.Subscription::close);
    readers.clear();
    queue.clear();
  }
}
