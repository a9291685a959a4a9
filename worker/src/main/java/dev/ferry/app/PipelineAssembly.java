package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.MemoryBudget;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TopicPattern;
import dev.ferry.ddl.DdlStatements;
import dev.ferry.ddl.DeclaredSchemas;
import dev.ferry.ddl.PostgresTableProvisioner;
import dev.ferry.ddl.RecordSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.Lanes;
import dev.ferry.dispatch.LaterQueue;
import dev.ferry.dispatch.MemoryPlan;
import dev.ferry.dispatch.TransactionSlots;
import dev.ferry.dispatch.WorkerPool;
import dev.ferry.errors.Backoff;
import dev.ferry.format.Formats;
import dev.ferry.format.RegistryClient;
import dev.ferry.format.SchemaSource;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.metrics.DdlStatementView;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.pipeline.Pipeline;
import dev.ferry.pipeline.PipelineProcessor;
import dev.ferry.pipeline.PipelineRouting;
import dev.ferry.plugin.Plugins;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.TableDefinitions;
import dev.ferry.spi.RecordTransform;
import dev.ferry.tracing.RecordTracer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the processing side of a worker from its config: the pipelines' transforms, the memory
 * plan, the lanes, the dead-letter publisher, the pipeline processor and the worker pool. The
 * workers share one retry backoff and one stop signal, held here: the pool's close sets the signal,
 * which cuts every backoff of the processor and the publisher short. Each factory returns a part
 * the caller owns and closes; one that fails throws {@link StartupException}.
 */
final class PipelineAssembly {
  private static final Logger log = LoggerFactory.getLogger(PipelineAssembly.class);

  private final FerryConfig config;
  private final Readiness readiness;
  private final Clock clock;
  private final Backoff backoff;
  private final StopSignal workersStop = new StopSignal();
  private final DdlStatements ddlStatements = new DdlStatements();
  private final TransactionSlots slots;
  private Optional<RegistryClient> schemaRegistry = Optional.empty();

  /**
   * @param slots each pipeline's max-transactions, which the workers' batches wait for
   */
  PipelineAssembly(FerryConfig config, Readiness readiness, Clock clock, TransactionSlots slots) {
    this.config = config;
    this.slots = slots;
    this.readiness = readiness;
    this.clock = clock;
    this.backoff =
        new Backoff(
            config.retry().initialBackoff(),
            config.retry().maxBackoff(),
            ThreadLocalRandom.current());
  }

  /**
   * The schema registry client the pipelines' registry formats share, with a registry section;
   * built by {@link #processor}.
   */
  Optional<RegistryClient> schemaRegistry() {
    return schemaRegistry;
  }

  /**
   * Each pipeline's configured transform, from the plugin directory; loaded first, to fail fast. A
   * missing, broken or misconfigured plugin is a config mistake: exit 2, nothing changed yet.
   */
  Map<String, Optional<RecordTransform>> transforms() throws StartupException {
    try {
      Plugins plugins = Plugins.load(config.worker().pluginDir());
      Map<String, Optional<RecordTransform>> transforms = new HashMap<>();
      for (PipelineSettings p : config.pipelines()) {
        transforms.put(p.name(), plugins.forPipeline(p));
      }
      return transforms;
    } catch (Plugins.PluginException e) {
      throw StartupException.configMismatch(List.of(e.getMessage()));
    }
  }

  /** The retry backoff of the workers, also used to retry partition claims. */
  Backoff backoff() {
    return backoff;
  }

  /** The memory budget resolved against this JVM's heap, and how it is split; logged. */
  MemoryPlan memoryPlan() {
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

  /** One lane per worker, holding up to worker.queue-capacity records within the memory plan. */
  Lanes lanes(MemoryPlan memory) {
    return new Lanes(
        config.worker().threads(), config.worker().queueCapacity(), memory.heldBytesLimit());
  }

  /** The dead-letter publisher over {@code producer}, which it owns and closes. */
  DeadLetterPublisher deadLetters(KafkaProducer<byte[], byte[]> producer) {
    return new DeadLetterPublisher(
        producer,
        config.deadLetter(),
        config.kafka().groupId(),
        backoff,
        workersStop,
        clock,
        // The producer's delivery.timeout.ms ends a send first; this only backs it up.
        config.deadLetter().sendTimeout().plusSeconds(5),
        readiness);
  }

  /** What the workers do with a batch: every pipeline, from decoding to the sink or the DLT. */
  PipelineProcessor processor(
      Map<String, Optional<RecordTransform>> transforms,
      TableDefinitions tables,
      PostgresSink sink,
      DeadLetterPublisher deadLetters,
      WorkerCounters counters,
      DeadLetterBreaker breaker,
      RecordTracer tracer)
      throws StartupException {
    try {
      schemaRegistry = config.registry().map(RegistryClient::new);
      TableProvisioner provisioner =
          PostgresTableProvisioner.of(tables.dataSource(), config.pipelines(), ddlStatements);
      List<Pipeline> pipelines = new ArrayList<>();
      for (PipelineSettings p : config.pipelines()) {
        Optional<SchemaSource> source = schemaRegistry.map(r -> r);
        RecordSchemas schemas = DeclaredSchemas.forPipeline(p, source);
        pipelines.add(
            new Pipeline(
                p,
                tables,
                transforms.get(p.name()),
                Formats.of(p, source),
                new PipelineRouting(
                    tables.routed(),
                    schemas,
                    provisioner,
                    p.topicPattern().map(TopicPattern::pattern))));
      }
      return new PipelineProcessor(
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
    } catch (IllegalStateException e) {
      throw new StartupException(e.getMessage(), e); // an unusable registry.ca-file
    }
  }

  /** The DDL statements the pipelines' {@code auto-create} and {@code evolve} ran, by kind. */
  DdlStatementView ddlStatements() {
    return ddlStatements::count;
  }

  /**
   * The worker pool, not started; {@code onCrash} is told of a worker thread that died. Each lane
   * gets a queue of records that wait to be written again later, all of them counted together. The
   * worker pool, not started; {@code onCrash} is told of a worker thread that died. A batch waits
   * for a slot of each of its pipelines' max-transactions before {@code processor} has it.
   */
  WorkerPool pool(
      Lanes lanes,
      PipelineProcessor processor,
      MemoryPlan memory,
      WorkerCounters counters,
      Consumer<Throwable> onCrash) {
    AtomicInteger waiting = new AtomicInteger();
    counters.registerWaiting(waiting);
    int maxWaiting = config.retry().later().maxRecords();
    return new WorkerPool(
        lanes,
        RateLimitedPipelines.gate(processor, slots, config.routing(), workersStop),
        config.worker().batchSize(),
        memory.batchBytesLimit(),
        config.worker().batchLinger(),
        workersStop,
        onCrash,
        () -> new LaterQueue(clock, waiting, maxWaiting));
  }
}
