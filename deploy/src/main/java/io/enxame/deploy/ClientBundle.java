package io.enxame.deploy;

import io.enxame.shared.files.AtomicFiles;
import io.enxame.shared.tls.NodeTls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code enxame client-bundle}: the client certificate {@code enxame up} made, copied where the user wants it. */
final class ClientBundle {
  private ClientBundle() {}

  /** Blocking. Fails when the data dir has no bundle (no {@code enxame up} has run there). */
  static void copy(Path dataDir, Path out) throws IOException {
    NodeTls bundle = ControlPlaneCertificates.bundle(dataDir);
    if (!Files.exists(Path.of(bundle.certPath()))) {
      throw new IOException("no client bundle in " + dataDir.resolve(ControlPlaneCertificates.CLIENT_DIR) + ": run enxame up first");
    }
    Files.createDirectories(out);
    AtomicFiles.write(out.resolve("ca.pem"), Files.readAllBytes(Path.of(bundle.caPath())), "rw-r--r--");
    AtomicFiles.write(out.resolve("cert.pem"), Files.readAllBytes(Path.of(bundle.certPath())), "rw-r--r--");
    AtomicFiles.write(out.resolve("key.pem"), Files.readAllBytes(Path.of(bundle.keyPath())), "rw-------");
  }
}
