package io.enxame.gateway.logs;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogFramesTest {
  private static final long T = 1_700_000_000_123_456_789L;
  private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void detailsAreSwarmsSortedContextKeys() {
    assertThat(LogFrames.details("n1", "s1", "t1"))
        .isEqualTo("com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1");
    assertThat(LogFrames.details("a b", "x=y", "")).isEqualTo(
        "com.docker.swarm.node.id=a+b,com.docker.swarm.service.id=x%3Dy,com.docker.swarm.task.id=");
  }

  @Test
  void lineCarriesTimestampThenDetailsThenTheBytes() {
    String d = LogFrames.details("n1", "s1", "t1");
    assertThat(LogFrames.line(HELLO, T, d, false, false).toString()).isEqualTo("hello\n");
    assertThat(LogFrames.line(HELLO, T, d, false, true).toString()).isEqualTo(d + " hello\n");
    assertThat(LogFrames.line(HELLO, T, d, true, true).toString()).isEqualTo("2023-11-14T22:13:20.123456789Z " + d + " hello\n");
    assertThat(LogFrames.line(HELLO, 1_700_000_000_000_000_000L, d, true, false).toString())
        .as("moby's RFC3339NanoFixed keeps nine digits").isEqualTo("2023-11-14T22:13:20.000000000Z hello\n");
  }

  @Test
  void stdcopyFrameHeader() {
    Buffer f = LogFrames.frame(LogFrames.STDERR, Buffer.buffer(HELLO));
    assertThat(f.length()).isEqualTo(8 + HELLO.length);
    assertThat(f.getByte(0)).isEqualTo((byte) 2);
    assertThat(f.getBytes(1, 4)).containsExactly(0, 0, 0);
    assertThat(f.getInt(4)).isEqualTo(HELLO.length);
    assertThat(f.getString(8, f.length())).isEqualTo("hello\n");
  }
}
