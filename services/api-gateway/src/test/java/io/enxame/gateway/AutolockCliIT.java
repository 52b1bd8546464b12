package io.enxame.gateway;

import io.enxame.gateway.testing.DockerCommand;
import io.enxame.gateway.testing.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Autolock with the real docker CLI over a real store that is really restarted on its data dir:
 * the key the CLI prints, a locked manager's answers, wrong and right keys, rotation and turning it off.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AutolockCliIT {
  private static final Path DOCKER = Path.of("/usr/local/bin/docker");
  private static final Pattern KEY = Pattern.compile("SWMKEY-1-[A-Za-z0-9+/]+");
  private static final String LOCKED = "Swarm is encrypted and needs to be unlocked before it can be used."
      + " Please use \"docker swarm unlock\" to unlock it.";

  @TempDir Path dockerConfig;
  private GatewayFixture.Running fixture;
  private DockerCommand docker;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    assumeTrue(Files.isExecutable(DOCKER), "no docker CLI at " + DOCKER);
    fixture = GatewayFixture.startWithStore(vertx).await(20, TimeUnit.SECONDS);
    docker = new DockerCommand(DOCKER, fixture.port(), dockerConfig);
  }

  @Test
  void lockedAfterRestartUntilUnlockedWithTheKey(Vertx vertx) throws Exception {
    assertThat(docker.run("swarm", "unlock-key").err()).contains("no unlock key is set");

    DockerCommand.Result on = docker.run("swarm", "update", "--autolock=true");
    assertThat(on.exit()).as(on.toString()).isZero();
    String key = key(on.out());
    assertThat(docker.run("swarm", "unlock-key", "-q").out().trim()).isEqualTo(key);
    assertThat(docker.run("swarm", "inspect").out()).as("inspect never shows the key").doesNotContain(key);
    assertThat(docker.run("info").out()).doesNotContain(key);

    restartStore(vertx);
    assertThat(docker.run("info").out()).contains("Swarm: locked");
    DockerCommand.Result ls = docker.run("node", "ls");
    assertThat(ls.exit()).isNotZero();
    assertThat(ls.err()).contains(LOCKED);

    DockerCommand.Result wrong = docker.runWithInput("SWMKEY-1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", "swarm", "unlock");
    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.err()).contains("swarm could not be unlocked: invalid key provided");
    assertThat(docker.run("info").out()).as("a wrong key changes nothing").contains("Swarm: locked");

    DockerCommand.Result right = docker.runWithInput(key + "\n", "swarm", "unlock");
    assertThat(right.exit()).as(right.toString()).isZero();
    assertThat(docker.run("node", "ls").out()).contains("manager-1");
    assertThat(docker.run("swarm", "unlock").err()).contains("swarm is not locked");

    DockerCommand.Result rotated = docker.run("swarm", "unlock-key", "--rotate", "-q");
    assertThat(rotated.exit()).as(rotated.toString()).isZero();
    String newKey = rotated.out().trim();
    assertThat(newKey).startsWith("SWMKEY-1-").isNotEqualTo(key);
    restartStore(vertx);
    assertThat(docker.runWithInput(key + "\n", "swarm", "unlock").err()).contains("invalid key provided");
    assertThat(docker.runWithInput(newKey + "\n", "swarm", "unlock").exit()).isZero();

    DockerCommand.Result off = docker.run("swarm", "update", "--autolock=false");
    assertThat(off.exit()).as(off.toString()).isZero();
    assertThat(docker.run("swarm", "unlock-key").err()).contains("no unlock key is set");
    restartStore(vertx);
    assertThat(docker.run("info").out()).contains("Swarm: active");
  }

  private void restartStore(Vertx vertx) throws Exception {
    fixture = new GatewayFixture.Running(fixture.port(), fixture.restartStore(vertx).await(20, TimeUnit.SECONDS), fixture.storeConfig(),
        fixture.gateway());
  }

  private static String key(String out) {
    Matcher m = KEY.matcher(out);
    assertThat(m.find()).as("an unlock key in: " + out).isTrue();
    return m.group();
  }
}
