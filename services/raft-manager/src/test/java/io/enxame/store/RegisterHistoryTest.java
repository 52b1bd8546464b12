package io.enxame.store;

import io.enxame.store.RegisterHistory.Outcome;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker itself: it accepts what a register may do and catches what it may not. */
class RegisterHistoryTest {
  private final RegisterHistory h = new RegisterHistory(Map.of("k", "v0"));

  @Test
  void concurrentOperationsMayTakeEffectInEitherOrder() {
    h.write("k", "a", Outcome.OK, 0, 10);
    h.write("k", "b", Outcome.OK, 1, 9);
    h.read("k", "a", 11, 12);
    h.cas("k", "a", "c", true, Outcome.OK, 13, 14);
    h.cas("k", "a", "d", false, Outcome.OK, 15, 16);
    h.read("k", "c", 17, 18);
    assertThat(h.violations()).isEmpty();
  }

  @Test
  void anAcknowledgedWriteMissingAfterwardsIsAViolation() {
    h.write("k", "a", Outcome.OK, 0, 1);
    h.read("k", "v0", 2, 3);
    assertThat(h.violations()).containsKey("k");
  }

  @Test
  void aCompareAndSetThatWonTwiceIsAViolation() {
    h.read("k", "v0", 0, 1);
    h.cas("k", "v0", "a", true, Outcome.OK, 2, 5);
    h.cas("k", "v0", "b", true, Outcome.OK, 3, 6);
    assertThat(h.violations()).containsKey("k");
  }

  @Test
  void anUnknownOutcomeMayHaveHappenedLateOrNever() {
    h.write("k", "a", Outcome.UNKNOWN, 0, 1);
    h.read("k", "v0", 2, 3);
    h.read("k", "a", 4, 5);
    h.write("k", "b", Outcome.UNKNOWN, 6, 7);
    h.read("k", "a", 8, 9);
    assertThat(h.violations()).isEmpty();
  }

  @Test
  void aValueSeenThenUnseenIsAViolation() {
    h.write("k", "a", Outcome.UNKNOWN, 0, 1);
    h.read("k", "a", 2, 3);
    h.read("k", "v0", 4, 5);
    assertThat(h.violations()).containsKey("k");
  }
}
