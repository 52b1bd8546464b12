package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.enxame.shared.bus.Addresses;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.util.ArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker service logs} and {@code docker events} through the real CLI against one all-in-one Enxame on
 * the real Docker engine: the lines come from real task containers, through the node-agent, the dispatcher's
 * log broker and the gateway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceLogsIT {
  /**
   * Five numbered lines on stdout, then one on stderr, then quiet. The engine copies the two streams
   * separately: the pause keeps their order in the log certain.
   */
  private static final String SCRIPT = "for i in 1 2 3 4 5; do echo line $i; done; sleep 0.3; echo oops >&2; sleep 300";
  @TempDir static Path dataDir;

  private LocalEnxame enxame;
  private NodeIdentity id;
  private Vertx vertx;
  private DockerCli cli;
  private String since;
  private int port;
  private String image;

  @BeforeAll
  void start() throws Exception {
    since = String.valueOf(System.currentTimeMillis() / 1000 - 1);
    enxame = LocalEnxame.start(dataDir);
    id = enxame.id;
    vertx = enxame.vertx();
    cli = enxame.cli;
    port = enxame.gatewayPort();
    image = enxame.image;
    cli.run("service", "create", "--name", "lg", "--replicas", "2", image, "sh", "-c", SCRIPT).ok();
    cli.run("service", "create", "--name", "tty", "--tty", image, "sh", "-c", SCRIPT).ok();
    // every task has written its lines
    Eventually.until("the tasks' output", Duration.ofSeconds(30), () -> cli.run("service", "logs", "--raw", "lg").out(),
        o -> o.lines().filter("line 5"::equals).count() == 2);
  }

  @AfterAll
  void stop() throws Exception {
    if (enxame != null) enxame.close();
  }

  private static final Pattern PREFIX = Pattern.compile("^lg\\.([12])\\.([0-9a-z]+)@(\\S+)\\s+\\| (.*)$");

  @Test
  @Order(1)
  void everyTaskPrefixedWithItsNameAndNode() {
    DockerCli.Result r = cli.run("service", "logs", "lg").ok();
    List<String> out = DockerCli.lines(r.out());
    assertThat(out).hasSize(10).allSatisfy(l -> assertThat(l).matches(PREFIX));
    Set<String> tasks = out.stream().map(l -> match(l).group(1)).collect(Collectors.toSet());
    assertThat(tasks).containsExactlyInAnyOrder("1", "2");
    String hostname = engineHostname();
    assertThat(out).allSatisfy(l -> assertThat(match(l).group(3)).isEqualTo(hostname));
    assertThat(out.stream().filter(l -> match(l).group(1).equals("1")).map(l -> match(l).group(4)))
        .containsExactly("line 1", "line 2", "line 3", "line 4", "line 5");
    // stderr lines come out on the CLI's stderr: the stream ids survived the framing
    assertThat(DockerCli.lines(r.err())).hasSize(2).allSatisfy(l -> assertThat(l).matches("^lg\\.[12]\\.\\S+\\s+\\| oops$"));
  }

  @Test
  @Order(2)
  void tailRawTimestampsAndNoTaskIds() {
    List<String> tail = DockerCli.lines(cli.run("service", "logs", "--tail", "2", "--raw", "lg").ok().out());
    assertThat(tail).containsExactly("line 5", "line 5"); // per task: line 5 on stdout, oops on stderr

    List<String> raw = DockerCli.lines(cli.run("service", "logs", "--raw", "lg").ok().out());
    assertThat(raw).hasSize(10).allSatisfy(l -> assertThat(l).matches("line [1-5]"));

    List<String> stamped = DockerCli.lines(cli.run("service", "logs", "-t", "lg").ok().out());
    assertThat(stamped).hasSize(10).allSatisfy(l -> assertThat(l)
        .matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z lg\\.[12]\\.\\S+\\s+\\| line [1-5]$"));

    List<String> noIds = DockerCli.lines(cli.run("service", "logs", "--no-task-ids", "lg").ok().out());
    assertThat(noIds).hasSize(10).allSatisfy(l -> assertThat(l).matches("^lg\\.[12]@\\S+\\s+\\| line [1-5]$"));

    List<String> noTrunc = DockerCli.lines(cli.run("service", "logs", "--no-trunc", "lg").ok().out());
    assertThat(noTrunc).hasSize(10).allSatisfy(l -> assertThat(l).matches("^lg\\.[12]\\.[0-9a-z]{25}@\\S+\\s+\\| line [1-5]$"));

    List<String> details = DockerCli.lines(cli.run("service", "logs", "--details", "lg").ok().out());
    assertThat(details).hasSize(10).allSatisfy(l -> assertThat(l).matches(PREFIX));

    if (DockerCli.installed(DockerCli.CLI_20)) { // API 1.41: a raw-stream content type, the same frames
      DockerCli old = new DockerCli(DockerCli.CLI_20, "tcp://127.0.0.1:" + port);
      assertThat(DockerCli.lines(old.run("service", "logs", "lg").ok().out())).hasSize(10).allSatisfy(l -> assertThat(l).matches(PREFIX));
    }
  }

  @Test
  @Order(3)
  void sinceFiltersByTime() {
    assertThat(DockerCli.lines(cli.run("service", "logs", "--raw", "--since", since, "lg").ok().out())).hasSize(10);
    String future = String.valueOf(System.currentTimeMillis() / 1000 + 3600);
    assertThat(cli.run("service", "logs", "--raw", "--since", future, "lg").ok().out()).isBlank();
  }

  @Test
  @Order(4)
  void oneTasksLogsAndErrors() {
    String taskId = cli.run("service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running", "lg").ok().out().lines().findFirst().orElseThrow();
    List<String> out = DockerCli.lines(cli.run("service", "logs", taskId).ok().out());
    assertThat(out).hasSize(5).allSatisfy(l -> assertThat(match(l).group(2)).isEqualTo(taskId.substring(0, match(l).group(2).length())));

    DockerCli.Result missing = cli.run("service", "logs", "nope");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("no such task or service: nope");
    DockerCli.Result badTail = cli.run("service", "logs", "--tail", "x", "lg");
    assertThat(badTail.exit()).isNotZero();
    assertThat(badTail.err()).contains("tail value must be a positive integer or \"all\"");
  }

  @Test
  @Order(5)
  void aTtyServicesLogsAreRaw() {
    List<String> out = DockerCli.lines(cli.run("service", "logs", "--raw", "tty").ok().out().replace("\r", ""));
    assertThat(out).contains("line 1", "line 5", "oops");
  }

  @Test
  @Order(6)
  void followKeepsGoingAsTasksAreReplaced() throws Exception {
    File out = Files.createTempFile("follow", ".txt").toFile();
    java.util.Set<String> cancels = java.util.concurrent.ConcurrentHashMap.newKeySet();
    io.vertx.core.Handler<io.vertx.core.eventbus.DeliveryContext<Object>> watch = dc -> {
      if (Addresses.LOGS_CANCEL.equals(dc.message().address())) cancels.add(String.valueOf(dc.message().body()));
      dc.next();
    };
    vertx.eventBus().addOutboundInterceptor(watch);
    Process follow = cli.start(out, "service", "logs", "-f", "--no-trunc", "lg");
    try {
      Eventually.until("the current lines", Duration.ofSeconds(20), () -> read(out), o -> o.lines().filter(l -> l.endsWith("| line 5")).count() == 2);
      cli.run("service", "update", "--force", "lg").ok();
      // the replacements' lines reach the same follow: four tasks have written "line 5" now
      String seen = Eventually.until("the replacements' lines", Duration.ofSeconds(30), () -> read(out),
          o -> o.lines().filter(l -> l.endsWith("| line 5")).map(l -> match(l).group(2)).distinct().count() == 4);
      assertThat(follow.isAlive()).as("a follow does not end when tasks are replaced: " + seen).isTrue();
      assertThat(cancels).isEmpty();
      follow.destroy();
      assertThat(follow.waitFor(10, TimeUnit.SECONDS)).isTrue();
      Eventually.until("the gateway to cancel the subscription", Duration.ofSeconds(10), () -> cancels, c -> c.size() == 1);
    } finally {
      vertx.eventBus().removeOutboundInterceptor(watch);
      follow.destroyForcibly();
      Files.deleteIfExists(out.toPath());
    }
  }

  @Test
  @Order(7)
  void eventsForSecretsAndConfigsAndTheirFilters(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    String from = String.valueOf(System.currentTimeMillis() / 1000 - 1);
    Path data = Files.writeString(tmp.resolve("data"), "s3cret");
    try {
      cli.run("secret", "create", "--label", "env=prod", "ev-secret", data.toString()).ok();
      cli.run("config", "create", "--label", "env=prod", "ev-config", data.toString()).ok();
    } finally {
      cli.run("secret", "rm", "ev-secret");
      cli.run("config", "rm", "ev-config");
    }
    String until = String.valueOf(System.currentTimeMillis() / 1000 + 1);
    Eventually.until("until to pass", Duration.ofSeconds(5), () -> System.currentTimeMillis() / 1000, now -> now > Long.parseLong(until));
    java.util.function.Function<String[], List<String>> events = filters -> {
      List<String> args = new ArrayList<>(List.of("events", "--since", from, "--until", until,
          "--format", "{{.Scope}} {{.Type}} {{.Action}} {{.Actor.Attributes.name}}"));
      for (String f : filters) args.addAll(List.of("--filter", f));
      return DockerCli.lines(cli.run(args.toArray(String[]::new)).ok().out());
    };
    assertThat(events.apply(new String[] {"scope=swarm", "type=secret", "type=config"})).containsExactly(
        "swarm secret create ev-secret", "swarm config create ev-config", "swarm secret remove ev-secret", "swarm config remove ev-config");
    assertThat(events.apply(new String[] {"type=secret", "type=config", "event=remove"}))
        .containsExactly("swarm secret remove ev-secret", "swarm config remove ev-config");
    assertThat(events.apply(new String[] {"scope=local", "type=secret"})).isEmpty();
    // As on Swarm, a cluster event's attributes are its name only (moby's logSecretEvent, logConfigEvent):
    // the objects' labels are not there, so a label filter matches none of them.
    assertThat(events.apply(new String[] {"type=secret", "type=config", "label=env=prod"})).isEmpty();
  }

  @Test
  @Order(7)
  void eventsShowServiceCreateUpdateRemove() {
    cli.run("service", "rm", "tty").ok();
    String until = String.valueOf(System.currentTimeMillis() / 1000 + 1);
    Eventually.until("until to pass", Duration.ofSeconds(5), () -> System.currentTimeMillis() / 1000, now -> now > Long.parseLong(until));
    List<String> events = DockerCli.lines(cli.run("events", "--since", since, "--until", until, "--filter", "type=service",
        "--format", "{{.Action}} {{.Actor.Attributes.name}}").ok().out());
    assertThat(events).contains("create lg", "create tty", "update lg", "remove tty");
    assertThat(events).allSatisfy(e -> assertThat(e).matches("(create|update|remove) (lg|tty)"));
  }

  /**
   * On the bus, as the gateway sees it: a reader that does not answer gets the broker's window of batches and
   * no more; an answer lets the next one through; a cancel stops the flow.
   */
  @Test
  @Order(8)
  void aSlowReaderHoldsTheFlowAndACancelStopsIt() throws Exception {
    cli.run("service", "create", "--name", "flood", image, "sh", "-c",
        "i=0; while [ $i -lt 20000 ]; do echo flood line $i; i=$((i+1)); done; sleep 300").ok();
    String serviceId = cli.run("service", "inspect", "--format", "{{.ID}}", "flood").ok().out().trim();
    // through the windows and the acks, nothing is lost
    Eventually.until("all 20000 lines", Duration.ofSeconds(60), () -> cli.run("service", "logs", "--raw", "flood").ok().out()
        .lines().filter(l -> l.matches("flood line \\d+")).count(), n -> n == 20000);
    String sub = "flowtest" + System.nanoTime();
    BlockingQueue<Message<JsonObject>> deliveries = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.logStream(sub), deliveries::add);
    try {
      await(consumer.completion());
      await(vertx.eventBus().request(Addresses.LOGS_SUBSCRIBE, new JsonObject().put("subscriptionId", sub)
          .put("services", new JsonArray().add(serviceId)).put("follow", true).put("tail", -1L)
          .put("stdout", true).put("stderr", true)));
      List<Message<JsonObject>> held = new ArrayList<>();
      for (int i = 0; i < 4; i++) { // the broker's window (LogBroker.WINDOW) for the one node
        Message<JsonObject> m = deliveries.poll(20, TimeUnit.SECONDS);
        assertThat(m).as("batch " + i + " of the window").isNotNull();
        assertThat(m.body().getJsonArray("lines")).isNotEmpty();
        held.add(m);
      }
      assertThat(deliveries.poll(1500, TimeUnit.MILLISECONDS)).as("nothing beyond the window while unanswered").isNull();
      held.remove(0).reply(null);
      assertThat(deliveries.poll(10, TimeUnit.SECONDS)).as("an answer lets the next batch through").isNotNull();

      vertx.eventBus().send(Addresses.LOGS_CANCEL, new JsonObject().put("subscriptionId", sub));
      held.forEach(m -> m.reply(null));
      Thread.sleep(1000); // what was already on its way
      deliveries.clear();
      assertThat(deliveries.poll(2, TimeUnit.SECONDS)).as("no batch after the cancel").isNull();
    } finally {
      consumer.unregister();
      cli.run("service", "rm", "flood");
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static String read(File f) {
    try {
      return Files.readString(f.toPath());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Matcher match(String line) {
    Matcher m = PREFIX.matcher(line);
    if (!m.matches()) throw new AssertionError("not a service log line: " + line);
    return m;
  }

  private String engineHostname() {
    return cli.run("node", "inspect", "self", "--format", "{{.Description.Hostname}}").ok().out().trim();
  }
}
