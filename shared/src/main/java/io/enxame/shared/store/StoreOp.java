package io.enxame.shared.store;

import io.enxame.shared.model.Kind;
import io.vertx.core.json.JsonObject;

/**
 * One operation of a store transaction, in its JSON wire form. A transaction applies all of its
 * operations or none. The store stamps {@code Version.Index} (the Raft index of the change),
 * {@code CreatedAt} and {@code UpdatedAt} itself.
 *
 * <ul>
 *   <li>{@code create}: {@code object} must carry an unused {@code ID}; a kind with a unique name
 *       ({@link Kind#uniqueNamePath()}) refuses a duplicate with 409.</li>
 *   <li>{@code update}: replaces the whole object; with {@code version} the stored
 *       {@code Version.Index} must equal it (409 "update out of sequence" otherwise); 404 if absent.</li>
 *   <li>{@code merge}: sets the top-level fields of {@code set} on the stored object (one writer per
 *       field, no read-modify-write race); optional {@code version} as for update; 404 if absent
 *       unless {@code ifExists}.</li>
 *   <li>{@code delete}: removes {@code id}; 404 if absent unless {@code ifExists}.</li>
 * </ul>
 */
public final class StoreOp {
  private StoreOp() {}

  public static JsonObject create(Kind kind, JsonObject object) {
    return new JsonObject().put("op", "create").put("kind", kind.wire()).put("object", object);
  }

  public static JsonObject update(Kind kind, JsonObject object, Long expectedVersion) {
    JsonObject op = new JsonObject().put("op", "update").put("kind", kind.wire()).put("object", object);
    if (expectedVersion != null) op.put("version", expectedVersion);
    return op;
  }

  public static JsonObject merge(Kind kind, String id, JsonObject fields) {
    return new JsonObject().put("op", "merge").put("kind", kind.wire()).put("id", id).put("set", fields);
  }

  /** A merge that is skipped silently when the object is gone (e.g. a status for a deleted task). */
  public static JsonObject mergeIfExists(Kind kind, String id, JsonObject fields) {
    return merge(kind, id, fields).put("ifExists", true);
  }

  public static JsonObject delete(Kind kind, String id) {
    return new JsonObject().put("op", "delete").put("kind", kind.wire()).put("id", id);
  }

  public static JsonObject deleteIfExists(Kind kind, String id) {
    return delete(kind, id).put("ifExists", true);
  }
}
