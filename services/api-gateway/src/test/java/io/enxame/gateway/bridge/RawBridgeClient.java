package io.enxame.gateway.bridge;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An event-bus client as any language would write one, without Vert.x's bridge client: it writes and reads the
 * bridge's frames itself (a 4-byte big-endian length, then that many bytes of JSON).
 */
final class RawBridgeClient implements AutoCloseable {
  private final NetClient client;
  private final NetSocket socket;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private Buffer pending = Buffer.buffer();
  private int nextReply;

  private RawBridgeClient(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(this::read);
    socket.closeHandler(v -> closed.complete(null));
  }

  static RawBridgeClient connect(Vertx vertx, NetClientOptions options, int port) throws Exception {
    return tryConnect(vertx, options, port).orElseThrow(() -> new AssertionError("could not connect to the bridge"));
  }

  /** Empty when the connection (its TLS handshake) failed. */
  static Optional<RawBridgeClient> tryConnect(Vertx vertx, NetClientOptions options, int port) {
    NetClient client = vertx.createNetClient(options);
    Promise<RawBridgeClient> connected = Promise.promise();
    // Connected and given its handlers on one event loop, in one go: a server that closes at once is not missed.
    vertx.getOrCreateContext().runOnContext(v ->
        client.connect(port, "127.0.0.1").map(socket -> new RawBridgeClient(client, socket)).onComplete(connected));
    try {
      return Optional.of(connected.future().await(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      client.close();
      return Optional.empty();
    }
  }

  void send(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    socket.write(Buffer.buffer().appendInt(json.length).appendBytes(json));
  }

  /** Sends a request frame with a fresh reply address and returns the next frame (its reply, or an error frame). */
  JsonObject request(String address, Object body) throws InterruptedException {
    send(new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", "reply-" + nextReply++));
    return next();
  }

  /** The next frame from the bridge; fails after 10 s. */
  JsonObject next() throws InterruptedException {
    JsonObject frame = frames.poll(10, TimeUnit.SECONDS);
    if (frame == null) throw new AssertionError("no frame from the bridge within 10 s");
    return frame;
  }

  /** A ping answered by a pong: every frame sent before it has been handled. */
  void ping() throws InterruptedException {
    send(new JsonObject().put("type", "ping"));
    JsonObject pong = next();
    if (!"pong".equals(pong.getString("type"))) throw new AssertionError("expected a pong, got " + pong);
  }

  boolean closedWithin(Duration limit) {
    try {
      closed.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Frames received and not yet taken. */
  int waiting() { return frames.size(); }

  private void read(Buffer data) {
    pending.appendBuffer(data);
    while (pending.length() >= 4 && pending.length() >= 4 + pending.getInt(0)) {
      int length = pending.getInt(0);
      frames.add(new JsonObject(pending.getString(4, 4 + length, "UTF-8")));
      pending = pending.getBuffer(4 + length, pending.length());
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
