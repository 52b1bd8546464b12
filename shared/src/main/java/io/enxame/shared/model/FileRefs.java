package io.enxame.shared.model;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The secrets and configs a ContainerSpec uses: {@code Secrets[]: {SecretID, SecretName, File:{Name,UID,GID,Mode}}}
 * and {@code Configs[]: {ConfigID, ConfigName, File:{...}}} (a config with {@code Runtime} instead of
 * {@code File} is not a file and is skipped, as in swarmkit).
 */
public final class FileRefs {
  private FileRefs() {}

  /** Docker's default file mode for secrets and configs: 0444. */
  public static final int DEFAULT_MODE = 0444;

  /** One file to put in a task's container; {@code target} is the File.Name as the user gave it. */
  public record FileRef(Kind kind, String id, String name, String target, String uid, String gid, int mode) {}

  public static List<FileRef> of(JsonObject containerSpec) {
    List<FileRef> refs = new ArrayList<>();
    add(refs, Kind.SECRETS, containerSpec, "Secrets", "SecretID", "SecretName");
    add(refs, Kind.CONFIGS, containerSpec, "Configs", "ConfigID", "ConfigName");
    return refs;
  }

  public static Set<String> ids(Kind kind, JsonObject containerSpec) {
    Set<String> ids = new LinkedHashSet<>();
    of(containerSpec).stream().filter(r -> r.kind() == kind).forEach(r -> ids.add(r.id()));
    return ids;
  }

  private static void add(List<FileRef> refs, Kind kind, JsonObject cs, String list, String idField, String nameField) {
    if (cs == null) return;
    Json.arrayOrEmpty(cs, list).forEach(o -> {
      if (!(o instanceof JsonObject ref) || ref.getString(idField) == null) return;
      JsonObject file = ref.getJsonObject("File");
      if (file == null) return;
      Number mode = file.getValue("Mode") instanceof Number n ? n : null;
      String target = file.getString("Name");
      refs.add(new FileRef(kind, ref.getString(idField), ref.getString(nameField),
          target == null || target.isEmpty() ? ref.getString(nameField) : target,
          blankOr(file.getString("UID"), "0"), blankOr(file.getString("GID"), "0"), mode == null ? DEFAULT_MODE : mode.intValue()));
    });
  }

  private static String blankOr(String s, String fallback) {
    return s == null || s.isBlank() ? fallback : s;
  }
}
