package dev.ferry.app;

import dev.ferry.bookkeeping.PipelineRateLimits;
import dev.ferry.bookkeeping.PipelineRateLimits.RateOverride;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RateLimit;
import dev.ferry.config.TopicRouting;
import dev.ferry.dispatch.BatchProcessor;
import dev.ferry.dispatch.RateLimitedHandler;
import dev.ferry.dispatch.SlotGate;
import dev.ferry.dispatch.TokenBucket;
import dev.ferry.dispatch.TransactionSlots;
import dev.ferry.lifecycle.Waiter;
import dev.ferry.source.RecordHandler;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limits in force in this worker: each pipeline's configured {@code rate-limit}, unless an
 * operator's override in {@code ferry.pipeline_rate_limits} takes its place. Read at start (before
 * the poll loop exists) and then by the pipeline control timer every {@code
 * worker.control-interval}, beside the pauses; the replica whose API set a limit applies it at
 * once. A limit is applied to the pipeline's {@link TokenBucket} (records per second, at hand-over)
 * and to its {@link TransactionSlots} (transactions at once). When the table cannot be read, the
 * last known limits stay in force (logged once per outage). Thread-safe.
 */
final class RateLimitedPipelines {
  private static final Logger log = LoggerFactory.getLogger(RateLimitedPipelines.class);

  private final Map<String, RateLimit> configured = new LinkedHashMap<>();
  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private final TransactionSlots slots;
  private final TopicRouting routing;
  private final Object lock = new Object();
  private volatile Map<String, RateOverride> overrides = Map.of();
  private volatile PipelineRateLimits store;
  private final ControlTableReads reads =
      new ControlTableReads("ferry.pipeline_rate_limits", "rate limits");

  RateLimitedPipelines(FerryConfig config, Clock clock) {
    this.routing = config.routing();
    for (PipelineSettings p : config.pipelines()) {
      configured.put(p.name(), p.rateLimit());
      buckets.put(p.name(), new TokenBucket(clock));
    }
    this.slots = new TransactionSlots(configured.keySet());
    configured.forEach(this::enforce);
  }

  /** Reads the overrides now and applies them; {@link #refresh} reads them again. */
  void start(PipelineRateLimits store) throws SQLException {
    this.store = store;
    synchronized (lock) {
      apply(store.current());
    }
  }

  /** The table, once {@link #start} ran; empty before. */
  Optional<PipelineRateLimits> store() {
    return Optional.ofNullable(store);
  }

  /** Reads the table again and applies it; a failure keeps the last known limits. */
  void refresh() {
    PipelineRateLimits s = store;
    if (s == null) {
      return;
    }
    reads.run(
        () -> {
          synchronized (lock) { // read and apply as one, so that an older read never undoes a newer
            apply(s.current());
          }
        });
  }

  /** Takes {@code now} as the overrides in force: applies and logs what changed. */
  void apply(Map<String, RateOverride> now) {
    synchronized (lock) {
      Map<String, RateOverride> next = new HashMap<>();
      now.forEach(
          (name, o) -> {
            if (configured.containsKey(name)) {
              next.put(name, o);
            }
          });
      Map<String, RateOverride> before = overrides;
      overrides = Map.copyOf(next);
      for (String name : configured.keySet()) {
        RateOverride was = before.get(name);
        RateOverride is = next.get(name);
        if (is != null && (was == null || !was.equals(is))) {
          log.warn(
              "pipeline {} rate limit {} (set by {} at {}; in place of the config's {})",
              name,
              is.limit().describe(),
              is.setBy(),
              is.setAt(),
              configured.get(name).describe());
          enforce(name, is.limit());
        } else if (is == null && was != null) {
          log.warn(
              "pipeline {} rate limit back to the config's {} (the override was cleared)",
              name,
              configured.get(name).describe());
          enforce(name, configured.get(name));
        }
      }
    }
  }

  private void enforce(String pipeline, RateLimit limit) {
    buckets.get(pipeline).setRate(limit.recordsPerSecond());
    slots.setLimit(pipeline, limit.maxTransactions());
  }

  /** Whether {@code pipeline} is configured here. */
  boolean knows(String pipeline) {
    return configured.containsKey(pipeline);
  }

  /** The limit in force for {@code pipeline}: its override, else its configured limit. */
  RateLimit effective(String pipeline) {
    RateOverride o = overrides.get(pipeline);
    return o != null ? o.limit() : configured.getOrDefault(pipeline, RateLimit.UNLIMITED);
  }

  /** The override in force for {@code pipeline}, if any. */
  Optional<RateOverride> override(String pipeline) {
    return Optional.ofNullable(overrides.get(pipeline));
  }

  /** The configured limit of {@code pipeline}. */
  RateLimit configured(String pipeline) {
    return configured.getOrDefault(pipeline, RateLimit.UNLIMITED);
  }

  /** The pipelines with a limit in force, in config order, with it. */
  Map<String, RateLimit> limited() {
    Map<String, RateLimit> out = new LinkedHashMap<>();
    for (String name : configured.keySet()) {
      RateLimit limit = effective(name);
      if (!limit.isUnlimited()) {
        out.put(name, limit);
      }
    }
    return out;
  }

  /** Seconds {@code pipeline} was held back by its records-per-second limit since start. */
  double throttledSeconds(String pipeline) {
    TokenBucket bucket = buckets.get(pipeline);
    return bucket == null ? 0 : bucket.throttledSeconds();
  }

  /** The slots of {@code max-transactions}, for the workers' {@link SlotGate}. */
  TransactionSlots slots() {
    return slots;
  }

  /** {@code handler}, handing each pipeline's records on no faster than its limit. */
  RecordHandler throttle(RecordHandler handler) {
    return new RateLimitedHandler(handler, buckets, pipelineOf());
  }

  /** {@code processor}, processing at most max-transactions batches of a pipeline at once. */
  static BatchProcessor gate(
      BatchProcessor processor, TransactionSlots slots, TopicRouting routing, Waiter stop) {
    return new SlotGate(
        processor, slots, topic -> routing.pipelineOf(topic).map(PipelineSettings::name), stop);
  }

  private Function<String, Optional<String>> pipelineOf() {
    return topic -> routing.pipelineOf(topic).map(PipelineSettings::name);
  }
}
