package io.enxame.deploy;

import io.enxame.shared.model.Ids;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this node is: its ID and hostname, made on the first start and kept in the data dir. */
record NodeIdentity(String nodeId, String hostname, boolean fresh) {
  private static final String FILE = "node.json";

  static NodeIdentity loadOrCreate(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      return new NodeIdentity(json.getString("nodeId"), json.getString("hostname"), false);
    }
    return save(dataDir, new NodeIdentity(Ids.newId(), localHostname(), true));
  }

  /** Where the identity is kept. */
  static Path file(Path dataDir) { return dataDir.resolve(FILE); }

  /** Whether the data dir already holds an identity (a node that has joined or initialised a swarm). */
  static boolean exists(Path dataDir) {
    return Files.exists(dataDir.resolve(FILE));
  }

  /** Writes the identity (one the swarm's CA gave a joining node, or a new one) through a temporary file. */
  static NodeIdentity save(Path dataDir, NodeIdentity id) throws IOException {
    Files.createDirectories(dataDir);
    Path tmp = dataDir.resolve(FILE + ".tmp");
    Files.writeString(tmp, new JsonObject().put("nodeId", id.nodeId).put("hostname", id.hostname).encodePrettily());
    Files.move(tmp, dataDir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return id;
  }

  static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
