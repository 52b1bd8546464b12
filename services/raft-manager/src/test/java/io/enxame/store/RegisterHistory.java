package io.enxame.store;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A concurrent history of operations on registers (one per key) and a linearizability check of it in the
 * style of Wing &amp; Gong with Lowe's memoisation: search for an order of the operations that respects
 * real time (an operation that returned before another was invoked comes first) and the register's
 * semantics, remembering (set of linearised operations, register value) pairs already explored.
 * Linearizability is local, so every key is checked on its own.
 *
 * <p>Operations: {@code read → v}, {@code write(v)}, {@code cas(expected, new) → true|false}. Values
 * written are unique, so a compare-and-set on the version read is a compare-and-set on the value read.
 * An operation whose outcome is unknown (the call failed or timed out: it may or may not have been
 * applied, at any time after its invocation) has no return event: it may be linearised anywhere after
 * its call, or never. Reads that failed are simply left out.
 */
final class RegisterHistory {
  enum Type { READ, WRITE, CAS }

  enum Outcome { OK, UNKNOWN }

  /** One operation: for READ {@code value} is what was read; for CAS {@code ok} says whether it took effect. */
  record Op(int id, String key, Type type, String expected, String value, boolean ok, Outcome outcome, long invoked, long returned) {
    @Override
    public String toString() {
      String what = switch (type) {
        case READ -> "read → " + value;
        case WRITE -> "write(" + value + ")";
        case CAS -> "cas(" + expected + " → " + value + ")" + (outcome == Outcome.OK ? " = " + ok : "");
      };
      return "#" + id + " " + key + " " + what + (outcome == Outcome.UNKNOWN ? " ?" : "") + " [" + invoked + ", "
          + (outcome == Outcome.UNKNOWN ? "∞" : returned) + "]";
    }
  }

  private final AtomicInteger ids = new AtomicInteger();
  private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
  private final Map<String, String> initial;

  /** {@code initial}: each key's value before the history starts. */
  RegisterHistory(Map<String, String> initial) { this.initial = Map.copyOf(initial); }

  void read(String key, String value, long invoked, long returned) {
    add(key, Type.READ, null, value, true, Outcome.OK, invoked, returned);
  }

  void write(String key, String value, Outcome outcome, long invoked, long returned) {
    add(key, Type.WRITE, null, value, true, outcome, invoked, returned);
  }

  void cas(String key, String expected, String value, boolean ok, Outcome outcome, long invoked, long returned) {
    add(key, Type.CAS, expected, value, ok, outcome, invoked, returned);
  }

  private void add(String key, Type type, String expected, String value, boolean ok, Outcome outcome, long invoked, long returned) {
    ops.add(new Op(ids.getAndIncrement(), key, type, expected, value, ok, outcome, invoked, returned));
  }

  List<Op> ops() { return List.copyOf(ops); }

  /** Keys whose history has no linearisation, each with its operations; empty when the whole history is linearizable. */
  Map<String, List<Op>> violations() {
    Map<String, List<Op>> byKey = ops.stream().collect(Collectors.groupingBy(Op::key));
    return byKey.entrySet().stream()
        .filter(e -> !linearizable(initial.get(e.getKey()), e.getValue()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** One event of the search list: an operation's call, or its return (unknown outcomes have none). */
  private static final class Entry {
    final Op op;
    final int index;
    final boolean call;
    Entry match;
    Entry prev;
    Entry next;

    Entry(Op op, int index, boolean call) {
      this.op = op;
      this.index = index;
      this.call = call;
    }
  }

  private record Explored(BitSet linearised, String state) {}

  private record Step(boolean allowed, String state) {}

  static boolean linearizable(String initialValue, Collection<Op> history) {
    List<Op> list = new ArrayList<>(history);
    List<Entry> events = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Op op = list.get(i);
      Entry call = new Entry(op, i, true);
      events.add(call);
      if (op.outcome() == Outcome.OK) {
        Entry ret = new Entry(op, i, false);
        call.match = ret;
        ret.match = call;
        events.add(ret);
      }
    }
    // Calls before returns at equal times, so that touching operations count as concurrent.
    events.sort((a, b) -> {
      long ta = a.call ? a.op.invoked() : a.op.returned();
      long tb = b.call ? b.op.invoked() : b.op.returned();
      return ta != tb ? Long.compare(ta, tb) : Boolean.compare(!a.call, !b.call);
    });
    Entry head = new Entry(null, -1, false);
    Entry last = head;
    int returns = 0;
    for (Entry e : events) {
      last.next = e;
      e.prev = last;
      last = e;
      if (!e.call) returns++;
    }

    String state = initialValue;
    BitSet linearised = new BitSet(list.size());
    Set<Explored> explored = new HashSet<>();
    ArrayList<Entry> calls = new ArrayList<>();
    ArrayList<String> states = new ArrayList<>();
    Entry entry = head.next;
    while (returns > 0) {
      if (entry == null) return false; // only unknown calls left and some return still pending: cannot happen
      if (entry.call) {
        Step step = step(state, entry.op);
        BitSet next = null;
        if (step.allowed()) {
          next = (BitSet) linearised.clone();
          next.set(entry.index);
        }
        if (next != null && explored.add(new Explored(next, step.state()))) {
          calls.add(entry);
          states.add(state);
          state = step.state();
          linearised = next;
          lift(entry);
          if (entry.match != null) returns--;
          entry = head.next;
        } else {
          entry = entry.next;
        }
      } else {
        // A return whose call was not linearised yet: undo the last choice and try the next one.
        if (calls.isEmpty()) return false;
        Entry undone = calls.remove(calls.size() - 1);
        state = states.remove(states.size() - 1);
        linearised = (BitSet) linearised.clone();
        linearised.clear(undone.index);
        unlift(undone);
        if (undone.match != null) returns++;
        entry = undone.next;
      }
    }
    return true;
  }

  private static Step step(String state, Op op) {
    return switch (op.type()) {
      case READ -> new Step(Objects.equals(state, op.value()), state);
      case WRITE -> new Step(true, op.value());
      case CAS -> {
        boolean matches = Objects.equals(state, op.expected());
        if (op.outcome() == Outcome.UNKNOWN) yield new Step(true, matches ? op.value() : state);
        yield op.ok() ? new Step(matches, op.value()) : new Step(!matches, state);
      }
    };
  }

  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) call.next.prev = call.prev;
    Entry ret = call.match;
    if (ret != null) {
      ret.prev.next = ret.next;
      if (ret.next != null) ret.next.prev = ret.prev;
    }
  }

  private static void unlift(Entry call) {
    Entry ret = call.match;
    if (ret != null) {
      ret.prev.next = ret;
      if (ret.next != null) ret.next.prev = ret;
    }
    call.prev.next = call;
    if (call.next != null) call.next.prev = call;
  }
}
