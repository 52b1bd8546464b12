package io.enxame.gateway.resolve;

import io.enxame.shared.bus.Failures;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * moby's lookup of a path {@code {id}} (daemon/cluster/helpers.go): exact ID, then exact name,
 * then unique ID prefix. No match is a 404, several are a 400 "ambiguous".
 */
public final class IdResolver {
  private IdResolver() {}

  /**
   * @param noun  "service", "node", "task": used in the messages
   * @param names the names an object answers to (a node: its name and its hostname)
   */
  public static JsonObject resolve(String noun, String ref, List<JsonObject> objects,
                                   Function<JsonObject, Stream<String>> names) {
    for (JsonObject o : objects) {
      if (ref.equals(o.getString("ID"))) return o;
    }
    List<JsonObject> byName = objects.stream().filter(o -> names.apply(o).anyMatch(ref::equals)).toList();
    if (byName.size() == 1) return byName.get(0);
    if (byName.size() > 1) throw ambiguous(noun, ref, byName.size());
    List<JsonObject> byPrefix = ref.isEmpty() ? List.of()
        : objects.stream().filter(o -> o.getString("ID", "").startsWith(ref)).toList();
    if (byPrefix.size() == 1) return byPrefix.get(0);
    if (byPrefix.size() > 1) throw ambiguous(noun, ref, byPrefix.size());
    throw Failures.notFound(noun + " " + ref + " not found");
  }

  private static RuntimeException ambiguous(String noun, String ref, int n) {
    return Failures.badRequest(noun + " " + ref + " is ambiguous (" + n + " matches found)");
  }
}
