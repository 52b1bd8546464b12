package io.enxame.agent.files;

import io.enxame.shared.files.FileTrees;
import io.enxame.shared.model.FileRefs;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link TaskFiles} in memory: each task's files are written to {@code <root>/<taskId>/} on a tmpfs (by default
 * under {@code /dev/shm}, refused if the root is on any other file system) with the uid, gid and mode the
 * service asked for, and bind-mounted read-only at {@code /run/secrets/<target>} (secrets) or at their absolute
 * target (configs). Docker itself mounts a tmpfs per container for this; a shared tmpfs per node gives the same
 * guarantee (never on disk) without the agent mounting file systems.
 */
public final class TmpfsFiles implements TaskFiles {
  private final Vertx vertx;
  private final PayloadStore payloads;
  private final Path root;

  public TmpfsFiles(Vertx vertx, PayloadStore payloads, Path root) {
    this.vertx = vertx;
    this.payloads = payloads;
    this.root = root;
  }

  /** Where a file appears in the container. */
  public static String containerPath(FileRefs.FileRef ref) {
    String target = ref.target();
    if (target.startsWith("/")) return target;
    return (ref.kind() == Kind.SECRETS ? "/run/secrets/" : "/") + target;
  }

  @Override
  public Future<List<String>> prepare(JsonObject task) {
    List<FileRefs.FileRef> refs = FileRefs.of(Json.object(task, "Spec.ContainerSpec"));
    if (refs.isEmpty()) return Future.succeededFuture(List.of());
    String taskId = task.getString("ID");
    List<Future<byte[]>> data = refs.stream().map(r -> payloads.open(r.kind(), r.id())).toList();
    return Future.all(data).compose(all -> vertx.executeBlocking(() -> {
      Path dir = taskDir(taskId);
      List<String> binds = new ArrayList<>();
      for (int i = 0; i < refs.size(); i++) {
        byte[] bytes = data.get(i).result();
        try {
          Path file = dir.resolve(refs.get(i).kind().singular() + "-" + i);
          write(file, bytes, refs.get(i));
          binds.add(file + ":" + containerPath(refs.get(i)) + ":ro");
        } finally {
          Arrays.fill(bytes, (byte) 0);
        }
      }
      return binds;
    }, false)).recover(e -> Future.failedFuture("preparing secrets and configs: " + e.getMessage()));
  }

  @Override
  public Future<Void> release(String taskId) {
    Path dir = root.resolve(taskId);
    return vertx.executeBlocking(() -> {
      FileTrees.delete(dir);
      return null;
    }, false);
  }

  @Override
  public Future<Void> retainOnly(Set<String> taskIds) {
    return vertx.executeBlocking(() -> {
      if (!Files.isDirectory(root)) return List.<String>of();
      try (Stream<Path> dirs = Files.list(root)) {
        return dirs.map(d -> d.getFileName().toString()).filter(id -> !taskIds.contains(id)).toList();
      }
    }, false).compose(stale -> Future.join(stale.stream().map(this::release).toList())).mapEmpty();
  }

  private Path taskDir(String taskId) throws IOException {
    Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    String type = Files.getFileStore(root).type();
    if (!"tmpfs".equals(type)) throw new IOException(root + " is on " + type + ", not on an in-memory file system (tmpfs)");
    Path dir = root.resolve(taskId);
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return dir;
  }

  private static void write(Path file, byte[] bytes, FileRefs.FileRef ref) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    Files.write(file, bytes);
    Files.setAttribute(file, "unix:uid", number(ref.uid(), "uid"));
    Files.setAttribute(file, "unix:gid", number(ref.gid(), "gid"));
    Files.setPosixFilePermissions(file, permissions(ref.mode()));
  }

  private static int number(String id, String what) throws IOException {
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new IOException(what + " must be numeric, got " + id);
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    PosixFilePermission[] bits = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) set.add(bits[i]);
    }
    return set;
  }
}
