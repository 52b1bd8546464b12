package io.enxame.agent.exec;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DockerLogCallbackTest {
  private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  private final List<LogEntry> entries = new ArrayList<>();
  private final LogSink sink = new LogSink() {
    @Override public void entry(LogEntry entry) { entries.add(entry); }
    @Override public void end(Throwable failure) { }
  };

  @Test
  void framesLoseTheirTimestampPrefixAndKeepTheirStream() {
    DockerLogCallback cb = new DockerLogCallback(0, sink);
    cb.onNext(new Frame(StreamType.STDOUT, b("2026-01-02T03:04:05.000000007Z hello world\n")));
    cb.onNext(new Frame(StreamType.STDERR, b("2026-01-02T03:04:06.000000000Z oops\n")));
    assertThat(entries).hasSize(2);
    assertThat(new String(entries.get(0).data(), StandardCharsets.UTF_8)).isEqualTo("hello world\n");
    assertThat(entries.get(0).stream()).isEqualTo(LogEntry.STDOUT);
    assertThat(entries.get(0).timeNanos() % 1_000_000_000L).isEqualTo(7);
    assertThat(entries.get(1).stream()).isEqualTo(LogEntry.STDERR);
  }

  @Test
  void aFrameWithSeveralEntriesOrPartOfOneIsCutIntoLines() {
    DockerLogCallback cb = new DockerLogCallback(0, sink);
    cb.onNext(new Frame(StreamType.STDOUT, b("2026-01-02T03:04:05.000000001Z one\n2026-01-02T03:04:05.000000002Z two\n2026-01-02T03:04:05.000000003Z th")));
    cb.onNext(new Frame(StreamType.STDERR, b("2026-01-02T03:04:05.000000004Z err\n")));
    cb.onNext(new Frame(StreamType.STDOUT, b("ree\n")));
    assertThat(entries).extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("one\n", "two\n", "err\n", "three\n");
    assertThat(entries).extracting(LogEntry::stream).containsExactly(1, 1, 2, 1);
    assertThat(entries.get(3).timeNanos() % 1_000_000_000L).isEqualTo(3);
  }

  @Test
  void sinceDropsEarlierLinesToTheNanosecond() {
    long since = java.time.Instant.parse("2026-01-02T03:04:05.5Z").getEpochSecond() * 1_000_000_000L + 500_000_000L;
    DockerLogCallback cb = new DockerLogCallback(since, sink);
    cb.onNext(new Frame(StreamType.STDOUT, b("2026-01-02T03:04:05.400000000Z early\n")));
    cb.onNext(new Frame(StreamType.STDOUT, b("2026-01-02T03:04:05.600000000Z late\n")));
    assertThat(entries).extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("late\n");
  }

  @Test
  void aTtyStreamIsCutIntoLines() {
    DockerLogCallback cb = new DockerLogCallback(0, sink);
    cb.onNext(new Frame(StreamType.RAW, b("2026-01-02T03:04:05.000000000Z one\r\n2026-01-02T03:04:05.1Z tw")));
    cb.onNext(new Frame(StreamType.RAW, b("o\r\n")));
    assertThat(entries).extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("one\r\n", "two\r\n");
  }
}
