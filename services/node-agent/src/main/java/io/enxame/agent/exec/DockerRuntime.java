package io.enxame.agent.exec;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.enxame.shared.model.SwarmLabels;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@link ContainerRuntime} on a real Docker engine through docker-java. docker-java blocks, so every call
 * runs on a worker thread (unordered: tasks do not wait for each other) and completes on the caller's context.
 */
public final class DockerRuntime implements ContainerRuntime {
  /** Debian's dockerd 20.10 speaks 1.41 at most; newer engines still accept it. */
  public static final String DEFAULT_API_VERSION = "1.41";
  /** Tries at making a container's networks and the container, against other agents sharing the engine. */
  private static final int NETWORK_ATTEMPTS = 3;
  /** One lock per engine network name, shared by every agent of this process (tests run several nodes in one). */
  private static final Map<String, Object> NETWORK_LOCKS = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final DockerClient docker;
  /** Images seen present on the engine; forgotten when a create says otherwise. */
  private final Set<String> knownImages = ConcurrentHashMap.newKeySet();

  public DockerRuntime(Vertx vertx, DockerClient docker) {
    this.vertx = vertx;
    this.docker = docker;
  }

  public static DockerRuntime create(Vertx vertx, String dockerHost, String apiVersion) {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(dockerHost)
        .withApiVersion(apiVersion)
        .build();
    // No response timeout: the event stream may stay silent for hours, and stops last the grace period.
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(URI.create(dockerHost))
        .maxConnections(64)
        .connectionTimeout(Duration.ofSeconds(5))
        .build();
    return new DockerRuntime(vertx, DockerClientImpl.getInstance(config, http));
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(() -> {
      try {
        return call.call();
      } catch (DockerException e) {
        throw new RuntimeFailure(e.getHttpStatus(), engineMessage(e));
      }
    }, false);
  }

  /** docker-java's messages read "Status 409: {"message":"..."}"; users expect Docker's message alone. */
  static String engineMessage(DockerException e) {
    String m = String.valueOf(e.getMessage()).trim();
    int brace = m.indexOf('{');
    if (brace >= 0) {
      try {
        String inner = new JsonObject(m.substring(brace)).getString("message");
        if (inner != null) return inner;
      } catch (RuntimeException notJson) {
        // fall through to the raw text
      }
    }
    return m.replaceFirst("^Status \\d+: ", "");
  }

  @Override
  public Future<JsonObject> describe() {
    return blocking(() -> describe(docker.infoCmd().exec()));
  }

  static JsonObject describe(Info info) {
    JsonArray plugins = new JsonArray();
    if (info.getPlugins() != null) {
      info.getPlugins().forEach((type, names) -> (names == null ? List.<String>of() : names).forEach(n -> plugins.add(new JsonObject().put("Type", type).put("Name", n))));
    }
    JsonObject labels = new JsonObject();
    if (info.getLabels() != null) {
      for (String l : info.getLabels()) {
        int eq = l.indexOf('=');
        labels.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
      }
    }
    long ncpu = info.getNCPU() == null ? 0 : info.getNCPU();
    return new JsonObject()
        .put("Hostname", info.getName())
        .put("Platform", new JsonObject().put("Architecture", info.getArchitecture()).put("OS", info.getOsType()))
        .put("Resources", new JsonObject().put("NanoCPUs", ncpu * 1_000_000_000L).put("MemoryBytes", info.getMemTotal()))
        .put("Engine", new JsonObject().put("EngineVersion", info.getServerVersion()).put("Labels", labels).put("Plugins", plugins));
  }

  @Override
  public Future<Boolean> hasImage(String image) {
    // Many tasks of one service start at once: ask the engine about an image once, not once per task.
    if (knownImages.contains(image)) return Future.succeededFuture(true);
    return blocking(() -> {
      try {
        docker.inspectImageCmd(image).exec();
        knownImages.add(image);
        return true;
      } catch (NotFoundException e) {
        return false;
      }
    });
  }

  @Override
  public Future<Void> pull(String image) {
    return blocking(() -> {
      PullCallback callback = docker.pullImageCmd(image).exec(new PullCallback());
      callback.awaitCompletion();
      if (callback.failure != null) throw callback.failure;
      return null;
    });
  }

  @Override
  public Future<String> create(ContainerSpec spec) {
    return blocking(() -> {
      for (int attempt = 1; ; attempt++) {
        List<String> networkIds = spec.networks().stream().map(a -> ensureNetwork(a.network())).toList();
        try {
          String id = createCmd(spec, networkIds).exec().getId();
          connectOthers(id, spec, networkIds);
          return id;
        } catch (NotFoundException e) {
          // Another node's agent on this engine may have removed an unused network between our check and the create.
          if (isMissingNetwork(e) && attempt < NETWORK_ATTEMPTS) continue;
          if (!isMissingNetwork(e)) knownImages.remove(spec.image()); // look (and pull) again next time
          throw e;
        }
      }
    });
  }

  private static boolean isMissingNetwork(NotFoundException e) {
    return String.valueOf(e.getMessage()).contains("network");
  }

  /** The first network is joined at creation; the others before the container starts, or not at all. */
  private void connectOthers(String containerId, ContainerSpec spec, List<String> networkIds) {
    try {
      for (int i = 1; i < networkIds.size(); i++) {
        docker.connectToNetworkCmd().withContainerId(containerId).withNetworkId(networkIds.get(i))
            .withContainerNetwork(new ContainerNetwork().withAliases(spec.networks().get(i).aliases())).exec();
      }
    } catch (DockerException e) {
      docker.removeContainerCmd(containerId).withForce(true).exec();
      throw e;
    }
  }

  /**
   * The engine network for a swarm network, made if missing; returns its engine ID. Found by name and owned
   * through its label: a network of that name that is not Enxame's is never used, one left by an earlier swarm
   * network of the same name is replaced once unused. The engine does not stop two creates of one name racing
   * (20.10 makes both), so agents in this process take turns per name, and should another process's agent have
   * made a twin, everyone takes the one with the lowest ID.
   */
  private String ensureNetwork(EngineNetwork n) {
    synchronized (NETWORK_LOCKS.computeIfAbsent(n.name(), k -> new Object())) {
      for (int attempt = 1; ; attempt++) {
        List<Network> named = docker.listNetworksCmd().withNameFilter(n.name()).exec().stream()
            .filter(x -> n.name().equals(x.getName())).sorted(java.util.Comparator.comparing(Network::getId)).toList();
        List<Network> ours = named.stream().filter(x -> n.swarmId().equals(label(x))).toList();
        if (!ours.isEmpty()) return ours.get(0).getId();
        if (named.stream().anyMatch(x -> label(x) == null)) {
          throw new RuntimeFailure(403, "network " + n.name() + " exists on this node's engine and is not Enxame's: remove or rename it");
        }
        for (Network stale : named) {
          try {
            docker.removeNetworkCmd(stale.getId()).exec();
          } catch (NotFoundException gone) {
            // fine: gone already
          } catch (DockerException inUse) {
            throw new RuntimeFailure(403, "network " + n.name() + " on this node's engine still serves tasks of a removed swarm network of that name");
          }
        }
        try {
          return createNetwork(n);
        } catch (DockerException e) {
          // 409: another process's agent made it meanwhile; a 409 must not reach the caller, which reads it as a
          // container name conflict.
          if (e.getHttpStatus() != 409) throw e;
          if (attempt >= NETWORK_ATTEMPTS) throw new RuntimeFailure(500, "network " + n.name() + " could not be made on this node's engine");
        }
      }
    }
  }

  private static String label(Network n) {
    return n.getLabels() == null ? null : n.getLabels().get(EngineNetwork.SWARM_ID_LABEL);
  }

  private String createNetwork(EngineNetwork n) {
    var cmd = docker.createNetworkCmd().withName(n.name()).withDriver("bridge").withCheckDuplicate(true)
        .withInternal(n.internal()).withEnableIpv6(n.ipv6()).withAttachable(true).withLabels(n.labels());
    if (!n.ipam().isEmpty()) {
      cmd.withIpam(new Network.Ipam().withDriver("default").withConfig(n.ipam().stream().map(c -> {
        Network.Ipam.Config config = new Network.Ipam.Config().withSubnet(c.subnet());
        if (c.range() != null) config.withIpRange(c.range());
        if (c.gateway() != null) config.withGateway(c.gateway());
        return config;
      }).toList()));
    }
    return cmd.exec().getId();
  }

  @Override
  public Future<Void> removeNetworks(Set<String> swarmIds) {
    if (swarmIds.isEmpty()) return Future.succeededFuture();
    return blocking(() -> {
      for (String id : swarmIds) {
        for (Network n : docker.listNetworksCmd().withFilter("label", List.of(EngineNetwork.SWARM_ID_LABEL + "=" + id)).exec()) {
          try {
            docker.removeNetworkCmd(n.getId()).exec();
          } catch (DockerException stillUsed) {
            // another task (maybe another node's, on this engine) is still on it: its last one removes it
          }
        }
      }
      return null;
    });
  }

  /** docker-java names the engine's built-in log drivers only: another (a plugin's) is refused with a clear error. */
  static LogConfig logConfig(ContainerSpec.LogDriver driver) {
    LogConfig.LoggingType type = Arrays.stream(LogConfig.LoggingType.values())
        .filter(t -> t.getType().equals(driver.name())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("log driver " + driver.name() + " is not supported by this node"));
    return new LogConfig(type, driver.options().isEmpty() ? null : driver.options());
  }

  private CreateContainerCmd createCmd(ContainerSpec spec, List<String> networkIds) {
    HostConfig host = HostConfig.newHostConfig()
        // The swarm restarts tasks (as new tasks); the engine must never restart a task container itself.
        .withRestartPolicy(RestartPolicy.noRestart())
        .withInit(spec.init())
        .withReadonlyRootfs(spec.readOnly())
        .withMemory(spec.memoryBytes())
        .withMemoryReservation(spec.memoryReservationBytes())
        .withNanoCPUs(spec.nanoCpus());
    if (!spec.binds().isEmpty()) host.withBinds(spec.binds().stream().map(Bind::parse).toList());
    if (!networkIds.isEmpty()) host.withNetworkMode(networkIds.get(0));
    if (spec.logDriver() != null) host.withLogConfig(logConfig(spec.logDriver()));
    CreateContainerCmd cmd = docker.createContainerCmd(spec.image())
        .withName(spec.name())
        .withLabels(spec.labels())
        .withEnv(spec.env())
        .withTty(spec.tty())
        .withStdinOpen(spec.openStdin())
        .withHostConfig(host);
    // docker-java refuses nulls here; unset means the image's (or engine's) default.
    ifSet(spec.workingDir(), cmd::withWorkingDir);
    ifSet(spec.user(), cmd::withUser);
    ifSet(spec.hostname(), cmd::withHostName);
    ifSet(spec.stopSignal(), cmd::withStopSignal);
    ifSet(spec.stopTimeoutSeconds(), cmd::withStopTimeout);
    if (!spec.networks().isEmpty()) cmd.withAliases(spec.networks().get(0).aliases());
    if (!spec.entrypoint().isEmpty()) cmd.withEntrypoint(spec.entrypoint());
    if (!spec.cmd().isEmpty()) cmd.withCmd(spec.cmd());
    if (!spec.ports().isEmpty()) {
      // Host-mode publishing is Docker's own port mapping, on this node only.
      Ports bindings = new Ports();
      List<ExposedPort> exposed = new ArrayList<>();
      for (ContainerSpec.PortBinding p : spec.ports()) {
        ExposedPort port = new ExposedPort(p.target(), InternetProtocol.parse(p.protocol()));
        exposed.add(port);
        bindings.bind(port, p.published() == 0 ? Ports.Binding.empty() : Ports.Binding.bindPort(p.published()));
      }
      cmd.withExposedPorts(exposed);
      host.withPortBindings(bindings);
    }
    ContainerSpec.Healthcheck hc = spec.healthcheck();
    if (hc != null) {
      cmd.withHealthcheck(new HealthCheck().withTest(hc.test()).withInterval(hc.intervalNanos()).withTimeout(hc.timeoutNanos())
          .withRetries(hc.retries()).withStartPeriod(hc.startPeriodNanos()));
    }
    return cmd;
  }

  private static <T> void ifSet(T value, java.util.function.Consumer<T> setter) {
    if (value != null) setter.accept(value);
  }

  @Override
  public Future<Void> start(String containerId) {
    return blocking(() -> {
      try {
        docker.startContainerCmd(containerId).exec();
      } catch (NotModifiedException alreadyRunning) {
        // fine: it runs
      }
      return null;
    });
  }

  @Override
  public Future<Void> stop(String containerId, int timeoutSeconds) {
    return blocking(() -> {
      try {
        docker.stopContainerCmd(containerId).withTimeout(timeoutSeconds).exec();
      } catch (NotModifiedException | NotFoundException alreadyStopped) {
        // fine: it does not run
      }
      return null;
    });
  }

  @Override
  public Future<Void> remove(String containerId) {
    return blocking(() -> {
      try {
        docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException gone) {
        // fine: it is gone
      }
      return null;
    });
  }

  @Override
  public Future<Optional<ContainerInfo>> inspect(String containerId) {
    return blocking(() -> {
      try {
        return Optional.of(info(docker.inspectContainerCmd(containerId).exec()));
      } catch (NotFoundException e) {
        return Optional.empty();
      }
    });
  }

  private static ContainerInfo info(InspectContainerResponse r) {
    InspectContainerResponse.ContainerState s = r.getState();
    String health = s.getHealth() == null ? null : s.getHealth().getStatus();
    return new ContainerInfo(r.getId(), s.getStatus(), Boolean.TRUE.equals(s.getRunning()),
        s.getExitCodeLong() == null ? 0 : s.getExitCodeLong(), s.getPidLong() == null ? 0 : s.getPidLong(), health, s.getError(),
        addresses(r));
  }

  private static Map<String, String> addresses(InspectContainerResponse r) {
    if (r.getNetworkSettings() == null || r.getNetworkSettings().getNetworks() == null) return Map.of();
    Map<String, String> out = new TreeMap<>();
    r.getNetworkSettings().getNetworks().forEach((name, n) -> {
      if (n.getIpAddress() != null && !n.getIpAddress().isEmpty()) out.put(name, n.getIpAddress() + "/" + n.getIpPrefixLen());
    });
    return out;
  }

  @Override
  public Future<List<ContainerRef>> list(Map<String, String> labels) {
    return blocking(() -> docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
        .map(c -> new ContainerRef(c.getId(), c.getLabels() == null ? null : c.getLabels().get(SwarmLabels.TASK_ID),
            "running".equals(c.getState())))
        .toList());
  }

  @Override
  public Future<Subscription> events(Map<String, String> labels, Handler<RuntimeEvent> onEvent, Handler<Throwable> onEnd) {
    Context context = vertx.getOrCreateContext();
    EventCallback callback = new EventCallback(context, onEvent, onEnd);
    return blocking(() -> {
      docker.eventsCmd()
          .withEventTypeFilter(EventType.CONTAINER)
          .withEventFilter("die", "destroy", "health_status")
          .withLabelFilter(labels)
          .exec(callback);
      // Only a connected stream counts: callers reconcile after subscribing, and must not miss what follows.
      if (!callback.awaitStarted(10, TimeUnit.SECONDS)) throw new IllegalStateException("docker event stream did not start");
      return (Subscription) callback::closeStream;
    });
  }

  @Override
  public Future<Subscription> logs(String containerId, LogQuery query, LogSink sink) {
    DockerLogCallback callback = new DockerLogCallback(query.sinceNanos(), sink);
    return blocking(() -> {
      var cmd = docker.logContainerCmd(containerId).withFollowStream(query.follow()).withTimestamps(true)
          .withStdOut(query.stdout()).withStdErr(query.stderr());
      if (query.tail() >= 0) cmd.withTail(query.tail());
      else cmd.withTailAll();
      if (query.sinceNanos() > 0) cmd.withSince((int) (query.sinceNanos() / 1_000_000_000L));
      cmd.exec(callback);
      return (Subscription) () -> blocking(() -> {
        callback.closeStream();
        return null;
      });
    });
  }

  /** Hops docker-java's streaming thread back onto the subscriber's context. */
  private final class EventCallback extends ResultCallback.Adapter<Event> {
    private final Context context;
    private final Handler<RuntimeEvent> onEvent;
    private final Handler<Throwable> onEnd;
    private volatile boolean done;

    EventCallback(Context context, Handler<RuntimeEvent> onEvent, Handler<Throwable> onEnd) {
      this.context = context;
      this.onEvent = onEvent;
      this.onEnd = onEnd;
    }

    @Override
    public void onNext(Event e) {
      if (done) return;
      Map<String, String> attributes = e.getActor() == null || e.getActor().getAttributes() == null ? Map.of() : e.getActor().getAttributes();
      String action = e.getAction() != null ? e.getAction() : e.getStatus();
      RuntimeEvent event = new RuntimeEvent(action, e.getId(), attributes.get(SwarmLabels.TASK_ID));
      context.runOnContext(v -> onEvent.handle(event));
    }

    @Override
    public void onError(Throwable t) {
      ended(t);
      closeQuietly(this);
    }

    @Override
    public void onComplete() {
      ended(null);
      super.onComplete();
    }

    private void ended(Throwable t) {
      if (done) return;
      done = true;
      context.runOnContext(v -> onEnd.handle(t));
    }

    Future<Void> closeStream() {
      done = true;
      return blocking(() -> {
        close();
        return null;
      });
    }
  }

  /** Keeps the failure for the caller instead of logging it as docker-java's template does. */
  private static final class PullCallback extends ResultCallback.Adapter<PullResponseItem> {
    private volatile Exception failure;

    @Override
    public void onError(Throwable t) {
      failure = t instanceof Exception e ? e : new RuntimeException(t);
      closeQuietly(this);
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (java.io.IOException ignored) {
      // closing a broken stream
    }
  }

  @Override
  public Future<Void> close() {
    return blocking(() -> {
      docker.close();
      return null;
    });
  }
}
