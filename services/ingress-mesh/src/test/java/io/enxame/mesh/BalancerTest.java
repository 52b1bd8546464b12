package io.enxame.mesh;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BalancerTest {
  private static Target target(String task) {
    return new Target(task, "node1", "10.0.0." + task.length(), 80);
  }

  @Test
  void roundRobinVisitsEachBackendInTurn() {
    Balancer b = new Balancer();
    b.update(List.of(target("a"), target("bb"), target("ccc")), false);
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) picks.add(b.pick(Set.of(), t -> true).taskId);
    assertThat(picks.subList(0, 3)).containsExactlyInAnyOrder("a", "bb", "ccc");
    assertThat(picks.subList(3, 6)).isEqualTo(picks.subList(0, 3));
  }

  @Test
  void leastConnPicksTheBackendWithFewestOpenFlows() {
    Balancer b = new Balancer();
    Target a = target("a");
    Target c = target("ccc");
    b.update(List.of(a, target("bb"), c), true);
    a.active.set(3);
    b.targets().get(1).active.set(1);
    c.active.set(2);
    for (int i = 0; i < 4; i++) assertThat(b.pick(Set.of(), t -> true).taskId).isEqualTo("bb");
  }

  @Test
  void triedAndUnreachableBackendsAreSkippedAndNoneLeftIsNull() {
    Balancer b = new Balancer();
    b.update(List.of(target("a"), target("bb")), false);
    Set<Target> tried = new HashSet<>();
    Target first = b.pick(tried, t -> !t.taskId.equals("zz"));
    tried.add(first);
    Target second = b.pick(tried, t -> true);
    assertThat(second).isNotSameAs(first);
    tried.add(second);
    assertThat(b.pick(tried, t -> true)).isNull();
    assertThat(b.pick(Set.of(), t -> false)).isNull();
  }

  @Test
  void aBackendThatStaysKeepsItsOpenFlowCount() {
    Balancer b = new Balancer();
    b.update(List.of(target("a"), target("bb")), true);
    b.targets().get(0).active.set(7);
    b.update(List.of(target("a"), target("ccc")), true);
    assertThat(b.targets()).extracting(t -> t.taskId).containsExactly("a", "ccc");
    assertThat(b.targets().get(0).active.get()).isEqualTo(7);
  }
}
