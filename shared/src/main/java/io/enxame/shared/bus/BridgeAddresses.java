package io.enxame.shared.bus;

import io.enxame.shared.model.Kind;

import java.util.EnumSet;
import java.util.Set;

/**
 * What event-bus clients may reach through the gateway's TCP event-bus bridge: read-only store queries and a change
 * stream, limited to the kinds whose objects hold no secret material. Everything else on the control-plane bus
 * (transactions, certificate issuance, the secrets service's keys, Raft membership, {@code enxame.local.*}) is refused
 * by the bridge.
 *
 * <p>Left out, and why: {@code cluster} (its join tokens admit a node to the swarm, and its {@code UnlockKey} opens an
 * autolocked store), {@code secrets} and {@code configs} (their {@code Sealed} data: ciphertext and a wrapped data key,
 * which outside clients have no use for), {@code pki} (the CA's sealed key).
 */
public final class BridgeAddresses {
  private BridgeAddresses() {}

  /** The kinds event-bus clients may read and follow. */
  public static final Set<Kind> KINDS = EnumSet.of(Kind.NODES, Kind.SERVICES, Kind.TASKS, Kind.NETWORKS);

  /**
   * Outbound only: {@link Addresses#STORE_CHANGES} as each gateway relays it to its own bridge, with only the changes of
   * {@link #KINDS}. Same shape as {@link io.enxame.shared.store.ChangeEvent}; every event is relayed, with an empty
   * {@code changes} array when all of them were left out, so {@code index}/{@code prevIndex} still tell a client that
   * it missed one (it then lists the kinds it follows again).
   */
  public static final String CHANGES = "enxame.bridge.changes";

  /**
   * Inbound request/reply: {@link Addresses#STORE_GET} ({@code {"kind","id"}}) and {@link Addresses#STORE_LIST}
   * ({@code {"kind"}}), for a kind of {@link #KINDS} only; other fields of the body and the frame's headers are dropped.
   */
  public static final Set<String> QUERIES = Set.of(Addresses.STORE_GET, Addresses.STORE_LIST);

  /** Whether objects of this kind (its wire name) may leave through the bridge. */
  public static boolean readable(String kind) {
    return kind != null && Kind.fromWire(kind).filter(KINDS::contains).isPresent();
  }
}
