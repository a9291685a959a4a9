package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.EpochStore;
import dev.ferry.bookkeeping.MarkerCleaner;
import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.config.Durations;
import dev.ferry.config.FerryConfig;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.Lanes;
import dev.ferry.dispatch.MemoryPlan;
import dev.ferry.dispatch.WorkerPool;
import dev.ferry.health.HealthChecks;
import dev.ferry.health.HttpEndpoint;
import dev.ferry.health.PostgresProbe;
import dev.ferry.health.Readiness;
import dev.ferry.health.http.HttpLimits;
import dev.ferry.lifecycle.State;
import dev.ferry.metrics.LibraryMetrics;
import dev.ferry.metrics.MetricsCatalog;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.pipeline.PipelineProcessor;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.TableDefinitions;
import dev.ferry.sink.TransactionWatchdog;
import dev.ferry.source.PartitionClaimer;
import dev.ferry.source.PollLoop;
import dev.ferry.source.RecordHandler;
import dev.ferry.spi.RecordTransform;
import dev.ferry.tracing.RecordTracer;
import dev.ferry.tracing.TracingSdk;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of a running worker: opens its parts from a validated config, in the order
 * {@code open()} reads (the HTTP endpoint first, so that probes are answered during the start),
 * runs them, and closes them in order. {@link KafkaAssembly}, {@link SinkAssembly} and {@link
 * PipelineAssembly} build the parts; {@link WorkerLifecycle} holds the state, exit code and stop
 * request; {@link HealthChecks} computes liveness and readiness.
 *
 * <p>Shutdown order: the poll loop stops taking records and drains (in-flight batches commit, up to
 * {@code worker.drain-timeout}), commits final offsets and closes the consumer; then the workers
 * stop, the DLT producer flushes and the pool closes. Each step is bounded and guarded on its own
 * ({@link CloseSteps}), and the final state is set last.
 */
public final class FerryWorker {
  private static final Logger log = LoggerFactory.getLogger(FerryWorker.class);

  private final FerryConfig config;
  private final WorkerLifecycle lifecycle = new WorkerLifecycle();
  private final WorkerCounters counters;
  private final Readiness readiness = new Readiness();
  private final HealthChecks health;
  private final HaltedPipelines halted;
  private final DeadLetterBreaker breaker;
  private final KafkaAssembly kafka;
  private final SinkAssembly sinks;
  private final PipelineAssembly pipelines;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AutoCloseable> binders = new ArrayList<>();

  private HikariDataSource dataSource;
  private DeadLetterPublisher deadLetters;
  private KafkaConsumer<byte[], byte[]> consumer;
  private volatile Lanes lanes;
  private volatile WorkerPool pool;
  private volatile PollLoop pollLoop;
  private MarkerCleaner markerCleaner;
  private HttpEndpoint http;
  private Admin admin;
  private PostgresProbe probe;
  private TransactionWatchdog watchdog;
  private TracingSdk tracing;
  private TableDefinitions tables;
  private volatile Runnable refreshMetrics = () -> {};
  private volatile Thread pollThread;

  private FerryWorker(FerryConfig config, Clock clock) {
    this.config = config;
    this.halted = new HaltedPipelines(config, readiness, this::pollLoop, clock);
    this.breaker = halted.breaker();
    MetricsCatalog.configure(registry);
    this.counters = new WorkerCounters(registry);
    this.kafka = new KafkaAssembly(config, readiness, lifecycle.stopSignal(), clock);
    this.sinks = new SinkAssembly(config, readiness, clock);
    this.pipelines = new PipelineAssembly(config, readiness, clock, halted.limits().slots());
    this.health =
        new HealthChecks(
            readiness::reasons,
            lifecycle::state,
            () -> pollLoop != null && !pollLoop.hasJoined(),
            () -> pollThread != null && !pollThread.isAlive(),
            () -> pool == null ? List.of() : pool.deadWorkers());
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
      worker.lifecycle.fail(
          e instanceof StartupException failed ? failed.exitCode() : ExitCodes.FAILURE);
      worker.lifecycle.endAfter(worker::closeResources);
      throw e;
    }
    return worker;
  }

  /**
   * The start, in an order that is tested: nothing is changed (schema, topics) before every config
   * check passed (exit 2); the threads start last. A part is assigned as soon as it is open, for
   * {@code closeResources()} to close when a later step fails.
   */
  private void open() throws StartupException {
    log.info("starting with {}", config.describe());
    startHttpEndpoint();
    Map<String, Optional<RecordTransform>> transforms = pipelines.transforms();
    dataSource = sinks.openPool(registry);
    admin = kafka.admin();
    kafka.awaitBroker(admin);
    checkConfigBeforeChanges();
    SinkAssembly.migrate(dataSource);
    halted.recordIn(sinks.pipelineHalts(dataSource), dataSource);
    int largestDeadLetter = kafka.ensureDeadLetterTopics(admin);
    build(transforms, largestDeadLetter);
    startThreads();
  }

  /**
   * Builds the sink, lanes, dead-letter publisher, workers and poll loop, and binds their meters;
   * starts only the marker cleanup.
   */
  private void build(Map<String, Optional<RecordTransform>> transforms, int largestDeadLetter)
      throws StartupException {
    TopicIds topicIds = new TopicIds(admin, config.kafka().timeouts().api());
    watchdog = sinks.watchdog(dataSource);
    tables = sinks.tables(dataSource);
    PostgresSink sink = sinks.sink(dataSource, tables, topicIds, watchdog);
    Optional<EpochStore> epochs = sinks.epochs(dataSource, topicIds);
    MemoryPlan memory = pipelines.memoryPlan();
    lanes = pipelines.lanes(memory);
    KafkaProducer<byte[], byte[]> producer = kafka.deadLetterProducer(largestDeadLetter);
    deadLetters = pipelines.deadLetters(producer);
    RecordTracer tracer = tracing != null ? tracing.tracer() : RecordTracer.OFF;
    PipelineProcessor processor =
        pipelines.processor(transforms, tables, sink, deadLetters, counters, breaker, tracer);
    pool = pipelines.pool(lanes, processor, memory, counters, this::onWorkerCrash);
    consumer = kafka.consumer(memory);
    PartitionClaimer claimer = kafka.arrivals(admin, epochs, topicIds);
    RecordHandler handler = halted.limits().throttle(lanes);
    pollLoop = kafka.pollLoop(consumer, handler, claimer, pipelines.backoff(), halted::isStopped);
    if (epochs.isPresent()) {
      markerCleaner = sinks.startMarkerCleaner(epochs.get(), pollLoop::committedOffsets);
    }
    bindMetrics(consumer, producer);
  }

  /**
   * Starts the database probe, the watchdog, the metadata refresh, the workers and the poll loop.
   */
  private void startThreads() {
    probe = sinks.startProbe();
    watchdog.start();
    tables.start(config.database().metadataRefreshInterval());
    pool.start();
    pollThread = new Thread(this::runPollLoop, "ferry-poll");
    pollThread.start();
    if (lifecycle.started()) {
      log.info(
          "running: {} workers, queue capacity {}, {}",
          config.worker().threads(),
          config.worker().queueCapacity(),
          kafka.describeTopics());
    }
  }

  /**
   * Starts the HTTP endpoint before anything else, so that probes and scrapes are answered during
   * the start (live, and not ready with the reason: {@code starting}, {@code kafka-unreachable}).
   */
  private void startHttpEndpoint() throws StartupException {
    HttpListener listener = HttpListener.of(config.http(), registry);
    try {
      http =
          new HttpEndpoint(
              listener.address(),
              HttpLimits.DEFAULTS,
              listener.door(),
              health::livenessProblems,
              health::readinessReasons,
              halted,
              this::scrape);
    } catch (IOException | UnresolvedAddressException e) {
      throw new StartupException(
          "cannot listen on " + listener + " (http.bind-address, http.port): " + e, e);
    }
  }

  /**
   * Config mistakes that loading the file cannot see (target tables or columns that do not exist or
   * cannot be written, input topics that do not exist, an unusable JSON Schema, a tracing setup the
   * SDK refuses): all listed in one failure with exit code 2, found before Ferry migrates its
   * schema or creates a dead-letter topic. Starts tracing when it is on.
   */
  private void checkConfigBeforeChanges() throws StartupException {
    List<String> problems = new ArrayList<>(ServerChecks.all(dataSource, admin, config));
    if (config.tracing().enabled()) {
      try {
        tracing =
            TracingSdk.start(
                config.tracing(), config.kafka().groupId(), config.worker().batchSize());
      } catch (IllegalStateException e) {
        problems.add(e.getMessage()); // the SDK refuses the configuration
      }
    }
    if (!problems.isEmpty()) {
      throw StartupException.configMismatch(problems);
    }
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
                halted.statusView(),
                MetricViews.transactions(watchdog),
                MetricViews.deadLetters(deadLetters),
                MetricViews.tableRefreshes(tables),
                Optional.ofNullable(tracing).map(MetricViews::spanDrops),
                this.pipelines.schemaRegistry().map(MetricViews::registry),
                () -> lifecycle.state().code(),
                () -> readinessReasons().isEmpty(),
                () -> !readiness.has(PipelineProcessor.SINK_UNAVAILABLE),
                this.pipelines.ddlStatements()));
    counters.registerPipelines(pipelines);
    binders.addAll(LibraryMetrics.bind(registry, consumer, producer));
  }

  /**
   * The poll thread: runs the poll loop until the stop request and its drain, then closes
   * everything and ends the lifecycle, last.
   */
  private void runPollLoop() {
    try {
      int left = pollLoop.run(config.worker().drainTimeout());
      if (left > 0) {
        log.warn(
            "drain timed out after {}: {} records were not completed; their offsets are not"
                + " committed and the next owner of the partitions will read them again",
            Durations.format(config.worker().drainTimeout()),
            left);
        lifecycle.raiseExitCode(ExitCodes.DRAIN_TIMEOUT);
      }
    } catch (RuntimeException | Error e) {
      log.error("poll loop failed", e);
      lifecycle.fail(ExitCodes.FAILURE);
    } finally {
      lifecycle.endAfter(
          () -> {
            closeResources();
            log.info("stopped (exit code {})", lifecycle.exitCode());
          });
    }
  }

  private String scrape() {
    refreshMetrics.run();
    return registry.scrape();
  }

  /** Why the worker is not ready; empty when it is. */
  public List<String> readinessReasons() {
    return health.readinessReasons();
  }

  /** Why the worker is not live; empty when the poll loop and every worker thread run. */
  public List<String> livenessProblems() {
    return health.livenessProblems();
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
    lifecycle.fail(ExitCodes.FAILURE);
    lifecycle.requestStop();
  }

  /** Begins the graceful drain; returns at once. Idempotent. */
  public void requestStop() {
    lifecycle.requestStop();
  }

  /** Waits until the worker has fully stopped. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return lifecycle.awaitEnd(timeout);
  }

  /** Closes every part that was opened, in the shutdown order; each step guarded and bounded. */
  private void closeResources() {
    Duration timeout = CloseSteps.STEP_TIMEOUT;
    CloseSteps.step("stop database probe", probe, PostgresProbe::close);
    CloseSteps.step("stop http endpoint", http, HttpEndpoint::close);
    CloseSteps.step("stop marker cleanup", markerCleaner, MarkerCleaner::close);
    CloseSteps.step("close consumer", consumer, c -> c.close(CloseOptions.timeout(timeout)));
    CloseSteps.step("stop workers", pool, p -> p.close(timeout));
    CloseSteps.step("stop transaction watchdog", watchdog, TransactionWatchdog::close);
    CloseSteps.step("stop metadata refresh", tables, TableDefinitions::close);
    CloseSteps.step("flush and stop tracing", tracing, TracingSdk::close);
    CloseSteps.step("close dead-letter producer", deadLetters, d -> d.close(timeout));
    CloseSteps.step("close admin client", admin, a -> a.close(timeout));
    CloseSteps.step("stop pipeline control", halted, HaltedPipelines::stop);
    CloseSteps.step("close connection pool", dataSource, HikariDataSource::close);
    for (AutoCloseable binder : binders) {
      CloseSteps.step("close metrics binder", binder, AutoCloseable::close);
    }
  }

  /** The message of {@code e}'s root cause (its string when it has none), for one-line errors. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  public State state() {
    return lifecycle.state();
  }

  public int exitCode() {
    return lifecycle.exitCode();
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
