package io.enxame.shared.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.SocketAddress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The managers' dispatchers a node last heard of ({@code <dataDir>/managers.json}, a JSON array of "host:port" that
 * the agent keeps from its accepted sessions), after the one configured: where a node's parts turn when their
 * manager goes away or stops being one.
 */
public final class ManagersFile {
  private ManagersFile() {}

  /** Where a node keeps it in its data dir. */
  public static Path in(Path dataDir) { return dataDir.resolve("managers.json"); }

  /** {@code configured} first, then the file's others; a missing or unreadable file adds nothing. */
  public static Future<List<SocketAddress>> read(Vertx vertx, SocketAddress configured, Path file) {
    return read(vertx, file).map(listed -> {
      List<SocketAddress> out = new ArrayList<>(List.of(configured));
      listed.stream().filter(a -> !out.contains(a)).forEach(out::add);
      return out;
    });
  }

  /** The file's managers, in order; none when it is missing or unreadable. */
  public static Future<List<SocketAddress>> read(Vertx vertx, Path file) {
    return vertx.fileSystem().readFile(file.toString()).map(buffer -> {
      List<SocketAddress> out = new ArrayList<>();
      for (Object o : new JsonArray(buffer)) {
        try {
          out.add(HostPort.parse(String.valueOf(o)).socketAddress());
        } catch (IllegalArgumentException malformed) {
          // not an address: skipped, the others still count
        }
      }
      return out;
    }).otherwise(List.of());
  }
}
