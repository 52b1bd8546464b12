package io.enxame.gateway.bridge;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.BridgeAddresses;
import io.enxame.shared.model.Ids;
import io.enxame.shared.store.ChangeEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * Relays the store's change stream to {@link BridgeAddresses#CHANGES} with only the changes of the kinds event-bus
 * clients may see. The bridge forwards a registered address's messages as they are (it has no outbound filter on
 * bodies: {@code PermittedOptions.match} is not applied by the TCP bridge), so clients never register for
 * {@link Addresses#STORE_CHANGES} itself.
 *
 * <p>Every bridge client of a process listens at the same address, so one relay per process publishes there (locally:
 * with a clustered bus, each process relays to its own clients): the first that sees an event while none holds the
 * role takes it, and gives it up when it stops.
 */
final class ChangeRelay {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final String ROLE = "relay";

  private final EventBus bus;
  private final LocalMap<String, String> roles;
  private final String self = Ids.newId();
  private MessageConsumer<JsonObject> consumer;

  ChangeRelay(Vertx vertx) {
    this.bus = vertx.eventBus();
    this.roles = vertx.sharedData().getLocalMap(BridgeAddresses.CHANGES);
  }

  Future<Void> start() {
    consumer = bus.consumer(Addresses.STORE_CHANGES, m -> {
      String holder = roles.putIfAbsent(ROLE, self);
      if (holder == null || holder.equals(self)) bus.publish(BridgeAddresses.CHANGES, readable(m.body()), LOCAL);
    });
    return consumer.completion();
  }

  Future<Void> stop() {
    roles.removeIfPresent(ROLE, self);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The event with the changes of readable kinds only; kept even when none is left, so that its indexes still chain. */
  static JsonObject readable(JsonObject event) {
    ChangeEvent e = ChangeEvent.fromJson(event);
    JsonArray kept = new JsonArray();
    for (Object change : e.changes()) {
      if (change instanceof JsonObject c && c.getValue("kind") instanceof String kind && BridgeAddresses.readable(kind)) kept.add(c);
    }
    return new ChangeEvent(e.index(), e.prevIndex(), kept).toJson();
  }
}
