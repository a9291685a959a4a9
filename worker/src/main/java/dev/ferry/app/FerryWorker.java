package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.ferry.bookkeeping.EpochStore;
import dev.ferry.bookkeeping.MarkerCleaner;
import dev.ferry.bookkeeping.Migrations;
import dev.ferry.bookkeeping.PipelineHalts;
import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.config.DatabaseTimeouts;
import dev.ferry.config.Durations;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.MemoryBudget;
import dev.ferry.config.PipelineSettings;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.deadletter.DeadLetterRefused;
import dev.ferry.deadletter.DeadLetterTopics;
import dev.ferry.dispatch.Lanes;
import dev.ferry.dispatch.MemoryPlan;
import dev.ferry.dispatch.WorkerPool;
import dev.ferry.errors.Backoff;
import dev.ferry.health.HttpEndpoint;
import dev.ferry.health.PostgresProbe;
import dev.ferry.health.Readiness;
import dev.ferry.health.http.HttpLimits;
import dev.ferry.lifecycle.State;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.metrics.LibraryMetrics;
import dev.ferry.metrics.MetricsCatalog;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.pipeline.Pipeline;
import dev.ferry.pipeline.PipelineProcessor;
import dev.ferry.plugin.Plugins;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.SinkSetupException;
import dev.ferry.sink.TableDefinitions;
import dev.ferry.sink.TransactionWatchdog;
import dev.ferry.source.PartitionClaimer;
import dev.ferry.source.PollLoop;
import dev.ferry.spi.RecordTransform;
import dev.ferry.tracing.RecordTracer;
import dev.ferry.tracing.TracingSdk;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of a running worker: builds the pool, sink, dead-letter producer, lanes,
 * workers and poll loop from a validated config, runs them, and shuts them down in order.
 *
 * <p>Shutdown order: the poll loop stops taking records and drains (in-flight batches finish and
 * commit, up to {@code worker.drain-timeout}), commits final offsets and closes the consumer
 * (leaving the group); then the workers stop, the DLT producer flushes and the connection pool
 * closes. Each step is bounded and guarded on its own, and the final state is set last.
 */
public final class FerryWorker {
  private static final Logger log = LoggerFactory.getLogger(FerryWorker.class);
  private static final Duration CLOSE_STEP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MARKER_CLEANUP_INTERVAL = Duration.ofSeconds(10);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

  private final FerryConfig config;
  private final Clock clock;
  private final StopSignal stopRequested = new StopSignal();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final WorkerCounters counters;
  private final Readiness readiness = new Readiness();
  private final DeadLetterBreaker breaker;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AutoCloseable> binders = new java.util.ArrayList<>();
  private volatile State state = State.STARTING;
  private volatile int exitCode = ExitCodes.OK;

  private HikariDataSource dataSource;
  private DeadLetterPublisher deadLetters;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Lanes lanes;
  private WorkerPool pool;
  private PollLoop pollLoop;
  private MarkerCleaner markerCleaner;
  private HttpEndpoint http;
  private Admin admin;
  private PostgresProbe probe;
  private TransactionWatchdog watchdog;
  private TracingSdk tracing;
  private TableDefinitions tables;
  private volatile Runnable refreshMetrics = () -> {};
  private Thread pollThread;
  private volatile PipelineHalts halts;

  private FerryWorker(FerryConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.breaker = new DeadLetterBreaker(config.deadLetter().breaker(), this::onHalt);
    MetricsCatalog.configure(registry);
    this.counters = new WorkerCounters(registry);
  }

  /**
   * Starts the HTTP endpoint, connects to Postgres and Kafka (waiting up to kafka.api-timeout for a
   * broker), checks the target tables and input topics, migrates, and starts the poll loop and
   * workers. Returns once everything runs; on a start failure everything already opened is closed.
   */
  public static FerryWorker start(FerryConfig config) throws StartupException {
    return start(config, worker -> {});
  }

  /**
   * As {@link #start(FerryConfig)}, handing the worker to {@code created} before the start begins,
   * so that {@link #requestStop()} (a signal) can cut a wait for Kafka short.
   */
  public static FerryWorker start(FerryConfig config, Consumer<FerryWorker> created)
      throws StartupException {
    FerryWorker worker = new FerryWorker(config, Clock.systemUTC());
    created.accept(worker);
    try {
      worker.open();
    } catch (StartupException | RuntimeException e) {
      worker.closeResources();
      worker.exitCode =
          e instanceof StartupException failed ? failed.exitCode() : ExitCodes.FAILURE;
      worker.state = State.FAILED;
      worker.terminated.countDown();
      throw e;
    }
    return worker;
  }

  /**
   * Each pipeline's configured transform, from the plugin directory; loaded first, to fail fast.
   */
  private Map<String, Optional<RecordTransform>> transforms() throws StartupException {
    try {
      Plugins plugins = Plugins.load(config.worker().pluginDir());
      Map<String, Optional<RecordTransform>> transforms = new HashMap<>();
      for (PipelineSettings p : config.pipelines()) {
        transforms.put(p.name(), plugins.forPipeline(p));
      }
      return transforms;
    } catch (Plugins.PluginException e) {
      // A missing, broken or misconfigured plugin is a config mistake: exit 2, nothing changed yet.
      throw StartupException.configMismatch(List.of(e.getMessage()));
    }
  }

  private void open() throws StartupException {
    log.info("starting with {}", config.describe());
    startHttpEndpoint();
    Map<String, Optional<RecordTransform>> transforms = transforms();
    dataSource = openPool();
    KafkaClients clients = new KafkaClients(config.kafka(), config.deadLetter().sendTimeout());
    connectKafka(clients);
    checkConfigBeforeChanges();
    migrate();
    halts = new PipelineHalts(dataSource, config.kafka().groupId(), owner());
    int largestDeadLetter = ensureDeadLetterTopics();
    TopicIds topicIds = new TopicIds(admin);
    Optional<String> bookkeepingGroup =
        config.worker().exactlyOnce() ? Optional.of(config.kafka().groupId()) : Optional.empty();
    DatabaseTimeouts timeouts = config.database().timeouts();
    watchdog =
        new TransactionWatchdog(
            timeouts.transaction(),
            timeouts.watchdogMargin(),
            dataSource::evictConnection,
            readiness,
            System::nanoTime);
    try {
      tables = TableDefinitions.read(dataSource, config.pipelines(), clock);
    } catch (SinkSetupException e) {
      throw new StartupException(e.getMessage(), e);
    }
    PostgresSink sink = PostgresSink.open(dataSource, tables, bookkeepingGroup, topicIds, watchdog);
    PartitionClaimer claimer = PartitionClaimer.NONE;
    EpochStore epochs = null;
    if (config.worker().exactlyOnce()) {
      epochs = new EpochStore(dataSource, config.kafka().groupId(), owner(), topicIds);
      claimer = epochs;
    }

    MemoryPlan memory = memoryPlan();
    lanes =
        new Lanes(
            config.worker().threads(), config.worker().queueCapacity(), memory.heldBytesLimit());
    Backoff backoff =
        new Backoff(
            config.retry().initialBackoff(),
            config.retry().maxBackoff(),
            ThreadLocalRandom.current());
    StopSignal workersStop = new StopSignal();
    KafkaProducer<byte[], byte[]> producer = clients.deadLetterProducer(largestDeadLetter);
    deadLetters =
        new DeadLetterPublisher(
            producer,
            config.deadLetter(),
            config.kafka().groupId(),
            backoff,
            workersStop,
            clock,
            // The producer's delivery.timeout.ms ends a send first; this only backs it up.
            config.deadLetter().sendTimeout().plusSeconds(5),
            readiness);
    RecordTracer tracer = tracing != null ? tracing.tracer() : RecordTracer.OFF;
    PipelineProcessor processor;
    try {
      List<Pipeline> pipelines = new ArrayList<>();
      for (PipelineSettings p : config.pipelines()) {
        pipelines.add(new Pipeline(p, tables, transforms.get(p.name())));
      }
      processor =
          new PipelineProcessor(
              pipelines,
              config.retry(),
              sink,
              deadLetters,
              backoff,
              workersStop,
              counters,
              breaker,
              readiness,
              clock,
              tracer);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage(), e); // an unusable JSON Schema
    }
    pool =
        new WorkerPool(
            lanes,
            processor,
            config.worker().batchSize(),
            memory.batchBytesLimit(),
            config.worker().batchLinger(),
            workersStop,
            this::onWorkerCrash);
    consumer = clients.consumer(memory);
    pollLoop =
        new PollLoop(
            consumer,
            config.inputTopics(),
            lanes,
            claimer,
            backoff,
            topic -> breaker.isHalted(config.pipelineFor(topic).name()),
            config.worker().commitInterval(),
            config.kafka().timeouts().commit(),
            clock,
            stopRequested);
    if (epochs != null) {
      markerCleaner = new MarkerCleaner(epochs, pollLoop::committedOffsets);
      markerCleaner.start(MARKER_CLEANUP_INTERVAL);
    }
    bindMetrics(consumer, producer);
    probe =
        new PostgresProbe(
            config.database().url(),
            config.database().username(),
            config.database().password().value(),
            readiness);
    probe.start(PROBE_INTERVAL);
    watchdog.start();
    tables.start(config.database().metadataRefreshInterval());
    pool.start();
    pollThread = new Thread(this::runPollLoop, "ferry-poll");
    pollThread.start();
    state = State.RUNNING;
    log.info(
        "running: {} workers, queue capacity {}, topics {}",
        config.worker().threads(),
        config.worker().queueCapacity(),
        config.inputTopics());
  }

  /** The memory budget resolved against this JVM's heap, and how it is split. */
  private MemoryPlan memoryPlan() {
    long maxHeap = Runtime.getRuntime().maxMemory();
    MemoryPlan plan =
        MemoryPlan.of(config.worker().memoryBudget().resolve(maxHeap), config.worker().threads());
    log.info(
        "memory budget {} of a {} heap: records held up to {} (estimated heap, see"
            + " docs/configuration.md), a batch up to {}, fetch.max.bytes {},"
            + " max.partition.fetch.bytes at most {}",
        MemoryBudget.format(plan.budgetBytes()),
        MemoryBudget.format(maxHeap),
        MemoryBudget.format(plan.heldBytesLimit()),
        MemoryBudget.format(plan.batchBytesLimit()),
        plan.fetchMaxBytes(),
        plan.partitionFetchMaxBytes());
    if (plan.budgetBytes() > maxHeap / 4 * 3) {
      log.warn(
          "worker.memory-budget {} is more than three quarters of the {} heap: the worker may run"
              + " out of memory before the budget stops it",
          MemoryBudget.format(plan.budgetBytes()),
          MemoryBudget.format(maxHeap));
    }
    return plan;
  }

  /**
   * Starts the HTTP endpoint before anything else, so that probes and scrapes are answered during
   * the start (live, and not ready with the reason: {@code starting}, {@code kafka-unreachable}).
   */
  private void startHttpEndpoint() throws StartupException {
    String where = config.http().bindAddress() + ":" + config.http().port();
    try {
      http =
          new HttpEndpoint(
              new InetSocketAddress(config.http().bindAddress(), config.http().port()),
              HttpLimits.DEFAULTS,
              this::livenessProblems,
              this::readinessReasons,
              this::resume,
              this::scrape);
    } catch (IOException | UnresolvedAddressException e) {
      throw new StartupException(
          "cannot listen on " + where + " (http.bind-address, http.port): " + e, e);
    }
  }

  /** Creates the admin client and waits, up to kafka.api-timeout, until a broker answers. */
  private void connectKafka(KafkaClients clients) throws StartupException {
    try {
      admin = clients.admin();
    } catch (KafkaException e) {
      throw new StartupException(
          "cannot connect to Kafka at " + config.kafka().bootstrapServers() + ": " + rootMessage(e),
          e);
    }
    new KafkaReach(
            config.kafka().bootstrapServers(),
            config.kafka().timeouts().api(),
            readiness,
            stopRequested,
            clock)
        .await(admin, clients);
  }

  /**
   * Config mistakes that loading the file cannot see (target tables or columns that do not exist or
   * cannot be written, input topics that do not exist, an unusable JSON Schema, a tracing setup the
   * SDK refuses): all listed in one failure with exit code 2, found before Ferry migrates its
   * schema or creates a dead-letter topic. Starts tracing when it is on.
   */
  private void checkConfigBeforeChanges() throws StartupException {
    List<String> problems =
        new ArrayList<>(ServerChecks.targetProblems(dataSource, config.pipelines()));
    problems.addAll(
        ServerChecks.missingInputTopics(
            admin, config.inputTopics(), config.kafka().timeouts().api()));
    problems.addAll(ServerChecks.schemaProblems(config.pipelines()));
    startTracing().ifPresent(problems::add);
    if (!problems.isEmpty()) {
      throw StartupException.configMismatch(problems);
    }
  }

  /** Starts tracing when it is on; the SDK's reason when it refuses the configuration. */
  private Optional<String> startTracing() {
    if (!config.tracing().enabled()) {
      return Optional.empty();
    }
    try {
      tracing =
          TracingSdk.start(config.tracing(), config.kafka().groupId(), config.worker().batchSize());
      return Optional.empty();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
  }

  private HikariDataSource openPool() throws StartupException {
    HikariDataSource pool = ConnectionPools.open(config, config.database().poolSize());
    pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    return pool;
  }

  private void bindMetrics(
      KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer) {
    List<String> pipelines = config.pipelines().stream().map(p -> p.name()).toList();
    refreshMetrics =
        MetricsCatalog.register(
            registry,
            new MetricsCatalog.Sources(
                pipelines,
                MetricViews.queue(lanes),
                MetricViews.consumer(pollLoop),
                MetricViews.pipelineStatus(breaker),
                MetricViews.transactions(watchdog),
                MetricViews.deadLetters(deadLetters),
                MetricViews.tableRefreshes(tables),
                Optional.ofNullable(tracing).map(MetricViews::spanDrops),
                () -> state.code(),
                () -> readinessReasons().isEmpty(),
                () -> !readiness.has(PipelineProcessor.SINK_UNAVAILABLE)));
    counters.registerPipelines(pipelines);
    binders.addAll(LibraryMetrics.bind(registry, consumer, producer));
  }

  private void migrate() throws StartupException {
    try {
      Migrations.migrate(dataSource);
    } catch (SQLException e) {
      throw new StartupException(
          "cannot create or upgrade Ferry's schema 'ferry' in Postgres: " + e.getMessage(), e);
    }
  }

  /** Who claims partitions, for the operator reading ferry.partition_epochs. */
  private static String owner() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "unknown-host";
      }
    }
    return host + "/" + ProcessHandle.current().pid();
  }

  /**
   * Creates the missing dead-letter topics.
   *
   * @return the largest dead letter the DLTs may need to take, for the producer's limit
   */
  private int ensureDeadLetterTopics() throws StartupException {
    try {
      return DeadLetterTopics.ensure(
              admin,
              config.deadLetter(),
              config.inputTopics(),
              config.kafka().timeouts().api(),
              stopRequested)
          .largestDeadLetter();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new StartupException(
          "cannot reach Kafka at "
              + config.kafka().bootstrapServers()
              + " to check dead-letter topics: "
              + rootMessage(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while checking dead-letter topics", e);
    }
  }

  private void runPollLoop() {
    int left = 0;
    try {
      left = pollLoop.run(config.worker().drainTimeout());
      if (left > 0) {
        log.warn(
            "drain timed out after {}: {} records were not completed; their offsets are not"
                + " committed and the next owner of the partitions will read them again",
            Durations.format(config.worker().drainTimeout()),
            left);
        exitCode = Math.max(exitCode, ExitCodes.DRAIN_TIMEOUT);
      }
    } catch (RuntimeException | Error e) {
      log.error("poll loop failed", e);
      exitCode = ExitCodes.FAILURE;
      state = State.FAILED;
    } finally {
      closeResources();
      if (state != State.FAILED) {
        state = exitCode == ExitCodes.OK ? State.STOPPED : State.FAILED;
      }
      log.info("stopped (exit code {})", exitCode);
      terminated.countDown();
    }
  }

  private void onHalt(String pipeline, String why) {
    readiness.set("pipeline-halted:" + pipeline, true);
    if (halts != null) {
      halts.halted(pipeline, why); // for ferry dlt replay to say its records will wait
    }
    log.error(
        "pipeline {} halted by the dead-letter breaker: {}. Its partitions are paused and nothing"
            + " more of it goes to the DLT; fix the cause, then resume it with POST"
            + " /pipelines/{}/resume or restart the worker",
        pipeline,
        why,
        pipeline);
  }

  private HttpEndpoint.ResumeResult resume(String pipeline) {
    if (config.pipelines().stream().noneMatch(p -> p.name().equals(pipeline))) {
      return HttpEndpoint.ResumeResult.UNKNOWN;
    }
    if (!breaker.resume(pipeline)) {
      return HttpEndpoint.ResumeResult.NOT_HALTED;
    }
    readiness.set("pipeline-halted:" + pipeline, false);
    readiness.set(DeadLetterRefused.TOO_LARGE + ":" + pipeline, false);
    readiness.set(DeadLetterRefused.REFUSED + ":" + pipeline, false);
    if (halts != null) {
      halts.resumed(pipeline);
    }
    config.pipelines().stream()
        .filter(p -> p.name().equals(pipeline))
        .flatMap(p -> p.topics().stream())
        .forEach(pollLoop::restart);
    log.warn("pipeline {} resumed by an operator", pipeline);
    return HttpEndpoint.ResumeResult.RESUMED;
  }

  private String scrape() {
    refreshMetrics.run();
    return registry.scrape();
  }

  /** Why the worker is not ready; empty when it is. */
  public List<String> readinessReasons() {
    List<String> reasons = new java.util.ArrayList<>(readiness.reasons());
    if (state != State.RUNNING) {
      reasons.add(state.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (pollLoop != null && !pollLoop.hasJoined()) {
      reasons.add("not-joined");
    }
    return reasons;
  }

  /** Why the worker is not live; empty when the poll loop and every worker thread run. */
  public List<String> livenessProblems() {
    List<String> problems = new java.util.ArrayList<>();
    if (pollThread != null && !pollThread.isAlive()) {
      problems.add("poll-loop-stopped");
    }
    if (pool != null) {
      pool.deadWorkers().forEach(w -> problems.add("worker-stopped:" + w));
    }
    return problems;
  }

  /** The dead-letter breaker, for its halts. */
  public DeadLetterBreaker breaker() {
    return breaker;
  }

  /** The bound HTTP port (useful with http.port 0). */
  public int httpPort() {
    return http.port();
  }

  private void onWorkerCrash(Throwable error) {
    exitCode = ExitCodes.FAILURE;
    state = State.FAILED;
    requestStop();
  }

  /** Begins the graceful drain; returns at once. Idempotent. */
  public void requestStop() {
    if (state == State.RUNNING) {
      state = State.DRAINING;
    }
    stopRequested.stop();
  }

  /** Waits until the worker has fully stopped. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void closeResources() {
    if (probe != null) {
      step("stop database probe", probe::close);
    }
    if (http != null) {
      step("stop http endpoint", http::close);
    }
    if (markerCleaner != null) {
      step("stop marker cleanup", markerCleaner::close);
    }
    if (consumer != null) {
      step(
          "close consumer",
          () ->
              consumer.close(
                  org.apache.kafka.clients.consumer.CloseOptions.timeout(CLOSE_STEP_TIMEOUT)));
    }
    if (pool != null) {
      step(
          "stop workers",
          () -> {
            try {
              pool.close(CLOSE_STEP_TIMEOUT);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted while stopping workers", e);
            }
          });
    }
    if (watchdog != null) {
      step("stop transaction watchdog", watchdog::close);
    }
    if (tables != null) {
      step("stop metadata refresh", tables::close);
    }
    if (tracing != null) {
      step("flush and stop tracing", tracing::close);
    }
    if (deadLetters != null) {
      step("close dead-letter producer", () -> deadLetters.close(CLOSE_STEP_TIMEOUT));
    }
    if (admin != null) {
      step("close admin client", () -> admin.close(CLOSE_STEP_TIMEOUT));
    }
    if (halts != null && config.pipelines().stream().anyMatch(p -> breaker.isHalted(p.name()))) {
      step("clear pipeline halts", halts::stopped);
    }
    if (dataSource != null) {
      step("close connection pool", dataSource::close);
    }
    for (AutoCloseable binder : binders) {
      step(
          "close metrics binder",
          () -> {
            try {
              binder.close();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
  }

  private static void step(String name, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("shutdown step '{}' failed: {}", name, e.toString());
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  public State state() {
    return state;
  }

  public int exitCode() {
    return exitCode;
  }

  public WorkerCounters counters() {
    return counters;
  }

  /** The lanes, for their in-memory count and peak. */
  public Lanes lanes() {
    return lanes;
  }

  /** The poll loop, for its rebalance counters and paused partitions. */
  public PollLoop pollLoop() {
    return pollLoop;
  }

  public List<String> inputTopics() {
    return config.inputTopics();
  }
}
