package io.enxame.shared.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files written whole, through a temporary file in the same directory, for keys and certificates. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code bytes} to {@code target} (replacing it) so that a crash never leaves half a file, with
   * {@code permissions} (e.g. {@code rw-------}) from the temporary file's creation: a key is never readable by others,
   * not even for a moment. On a file system without POSIX permissions the directory's own protection applies.
   */
  public static void write(Path target, byte[] bytes, String permissions) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = target.getFileName().toString();
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
    } catch (UnsupportedOperationException notPosix) {
      tmp = Files.createTempFile(dir, prefix, ".tmp");
    }
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
