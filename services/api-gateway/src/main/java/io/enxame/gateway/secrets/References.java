package io.enxame.gateway.secrets;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.FileRefs;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The secrets and configs a service spec uses (see {@link FileRefs}). */
public final class References {
  private References() {}

  /** The IDs of one kind a ServiceSpec's task template uses. */
  public static Set<String> ids(Kind kind, JsonObject serviceSpec) {
    return FileRefs.ids(kind, Json.object(serviceSpec == null ? new JsonObject() : serviceSpec, "TaskTemplate.ContainerSpec"));
  }

  /** swarmkit's checkSecretExistence / checkConfigExistence: a spec may only use objects that exist. */
  public static void checkExist(Kind kind, JsonObject spec, List<JsonObject> existing) {
    Set<String> known = existing.stream().map(o -> o.getString("ID")).collect(Collectors.toSet());
    List<String> missing = ids(kind, spec).stream().filter(id -> !known.contains(id)).toList();
    if (missing.isEmpty()) return;
    String noun = kind.singular() + (missing.size() > 1 ? "s" : "");
    throw Failures.invalidArgument(noun + " not found: " + String.join(", ", missing));
  }
}
