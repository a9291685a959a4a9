package dev.ferry.app;

import dev.ferry.bookkeeping.PipelineHalts;
import dev.ferry.bookkeeping.PipelinePauses;
import dev.ferry.bookkeeping.PipelineRateLimits;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RateLimit;
import dev.ferry.config.TopicRouting;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterRefused;
import dev.ferry.health.HttpEndpoint.ResumeResult;
import dev.ferry.health.PipelineControl;
import dev.ferry.health.Readiness;
import dev.ferry.metrics.PipelineStatusView;
import dev.ferry.source.PollLoop;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker's dead-letter breaker, what its halts mean for the worker, and how an operator
 * lifts them.
 *
 * <p>A halt turns the worker not ready ({@code pipeline-halted:NAME}), is recorded in {@code
 * ferry.pipeline_halts} once Ferry's schema is there (so that {@code ferry dlt replay} can say what
 * it replays will wait), and is logged with its remedy. {@link #resume} lifts the breaker's halt,
 * clears the readiness reasons of the halt and of a refused dead letter, clears the record, and has
 * the pipeline's topics read again from their watermarks (their queued records were dropped when
 * the pipeline halted).
 *
 * <p>Beside the breaker's halts, the pauses an operator made ({@link PausedPipelines}, kept in
 * {@code ferry.pipeline_pauses}): a pipeline is stopped ({@link #isStopped}) while it is halted or
 * paused. A pause does not make the worker not ready (it is on purpose; Kubernetes should neither
 * restart nor unroute the pod for it). {@link #resume} lifts both. And the rate limits in force
 * ({@link RateLimitedPipelines}: configured, or an operator's override kept in {@code
 * ferry.pipeline_rate_limits}), read by the same timer as the pauses. Thread-safe.
 */
final class HaltedPipelines implements PipelineControl {
  private static final Logger log = LoggerFactory.getLogger(HaltedPipelines.class);

  private final FerryConfig config;
  private final Readiness readiness;
  private final DeadLetterBreaker breaker;
  private final TopicRouting routing;
  private final Supplier<PollLoop> pollLoop;
  private final PausedPipelines pauses;
  private final RateLimitedPipelines limits;
  private volatile PipelineHalts records;

  /**
   * @param pollLoop the worker's poll loop, null before it is built
   */
  HaltedPipelines(
      FerryConfig config, Readiness readiness, Supplier<PollLoop> pollLoop, Clock clock) {
    this.config = config;
    this.readiness = readiness;
    this.routing = config.routing();
    this.pollLoop = pollLoop;
    this.breaker = new DeadLetterBreaker(config.deadLetter().breaker(), this::onHalt);
    this.pauses =
        new PausedPipelines(
            config.pipelines().stream().map(PipelineSettings::name).collect(Collectors.toSet()),
            this::restart);
    this.limits = new RateLimitedPipelines(config, clock);
  }

  /** The rate limits in force, to throttle the hand-over and gate the batches with. */
  RateLimitedPipelines limits() {
    return limits;
  }

  DeadLetterBreaker breaker() {
    return breaker;
  }

  /**
   * Records halts and resumes in {@code records} from now on, and reads the operator pauses from
   * {@code dataSource} now and every {@code worker.control-interval} (once Ferry's schema exists).
   */
  void recordIn(PipelineHalts records, DataSource dataSource) throws StartupException {
    this.records = records;
    try {
      limits.start(new PipelineRateLimits(dataSource, config.kafka().groupId()));
    } catch (SQLException e) {
      throw new StartupException(
          "cannot read the rate limits from ferry.pipeline_rate_limits: " + e.getMessage(), e);
    }
    try {
      pauses.start(
          new PipelinePauses(dataSource, config.kafka().groupId()),
          config.worker().controlInterval(),
          limits::refresh);
    } catch (SQLException e) {
      throw new StartupException(
          "cannot read the paused pipelines from ferry.pipeline_pauses: " + e.getMessage(), e);
    }
  }

  /** Whether the pipeline must not be fetched: halted by the breaker or paused by an operator. */
  boolean isStopped(String pipeline) {
    return breaker.isHalted(pipeline) || pauses.isPaused(pipeline);
  }

  /** Stops reading the pauses and clears this worker's halt records, when the worker stops. */
  void stop() {
    pauses.close();
    recordsToClear().ifPresent(PipelineHalts::stopped);
  }

  /**
   * Where this worker's halts are recorded, when it has halted pipelines whose records a stop must
   * clear (a restart lifts the breaker's halts); empty otherwise.
   */
  Optional<PipelineHalts> recordsToClear() {
    boolean anyHalted = config.pipelines().stream().anyMatch(p -> breaker.isHalted(p.name()));
    return anyHalted ? Optional.ofNullable(records) : Optional.empty();
  }

  private void onHalt(String pipeline, String why) {
    readiness.set("pipeline-halted:" + pipeline, true);
    PipelineHalts halts = records;
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

  /**
   * Lifts an operator's pipeline out of its halt.
   *
   * @param restartTopics starts the topics that match over from their watermarks (the poll loop's
   *     restart)
   */
  @Override
  public ResumeResult resume(String pipeline) {
    if (!known(pipeline)) {
      return ResumeResult.UNKNOWN;
    }
    boolean unpaused = liftPause(pipeline);
    if (!breaker.resume(pipeline)) {
      return unpaused ? ResumeResult.RESUMED : ResumeResult.NOT_HALTED;
    }
    readiness.set("pipeline-halted:" + pipeline, false);
    readiness.set(DeadLetterRefused.TOO_LARGE + ":" + pipeline, false);
    readiness.set(DeadLetterRefused.REFUSED + ":" + pipeline, false);
    PipelineHalts halts = records;
    if (halts != null) {
      halts.resumed(pipeline);
    }
    restart(pipeline);
    log.warn("pipeline {} resumed by an operator", pipeline);
    return ResumeResult.RESUMED;
  }

  /** Deletes the pipeline's pause row, and applies that here at once (the others follow). */
  private boolean liftPause(String pipeline) {
    Optional<PipelinePauses> store = pauses.store();
    if (store.isEmpty()) {
      return false;
    }
    try {
      boolean lifted = store.get().resume(pipeline).isPresent();
      pauses.refresh();
      return lifted;
    } catch (SQLException e) {
      log.warn("cannot lift the pause of pipeline {}: {}", pipeline, e.toString());
      return false;
    }
  }

  @Override
  public PauseResult pause(String pipeline, String by, String reason) {
    if (!known(pipeline)) {
      return PauseResult.UNKNOWN;
    }
    Optional<PipelinePauses> store = pauses.store();
    if (store.isEmpty()) {
      return PauseResult.UNAVAILABLE;
    }
    try {
      PipelinePauses.Paused paused = store.get().pause(pipeline, by, reason);
      pauses.refresh(); // here at once; the other replicas within worker.control-interval
      return paused.madeNow() ? PauseResult.PAUSED : PauseResult.ALREADY_PAUSED;
    } catch (SQLException e) {
      log.warn("cannot pause pipeline {}: {}", pipeline, e.toString());
      return PauseResult.UNAVAILABLE;
    }
  }

  @Override
  public Collection<String> paused() {
    return config.pipelines().stream()
        .map(PipelineSettings::name)
        .filter(pauses::isPaused)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  @Override
  public RateLimitResult setRateLimit(String pipeline, RateLimit limit, String by) {
    if (!known(pipeline)) {
      return RateLimitResult.UNKNOWN;
    }
    Optional<PipelineRateLimits> store = limits.store();
    if (store.isEmpty()) {
      return RateLimitResult.UNAVAILABLE;
    }
    try {
      store.get().set(pipeline, limit, by);
      limits.refresh(); // here at once; the other replicas within worker.control-interval
      return RateLimitResult.SET;
    } catch (SQLException e) {
      log.warn("cannot set the rate limit of pipeline {}: {}", pipeline, e.toString());
      return RateLimitResult.UNAVAILABLE;
    }
  }

  @Override
  public RateLimitResult clearRateLimit(String pipeline, String by) {
    if (!known(pipeline)) {
      return RateLimitResult.UNKNOWN;
    }
    Optional<PipelineRateLimits> store = limits.store();
    if (store.isEmpty()) {
      return RateLimitResult.UNAVAILABLE;
    }
    try {
      boolean cleared = store.get().clear(pipeline).isPresent();
      if (cleared) {
        log.warn("pipeline {}: rate-limit override cleared by {}", pipeline, by);
      }
      limits.refresh();
      return cleared ? RateLimitResult.CLEARED : RateLimitResult.NOT_SET;
    } catch (SQLException e) {
      log.warn("cannot clear the rate limit of pipeline {}: {}", pipeline, e.toString());
      return RateLimitResult.UNAVAILABLE;
    }
  }

  @Override
  public Optional<RateLimit> rateLimit(String pipeline) {
    return known(pipeline) ? Optional.of(limits.effective(pipeline)) : Optional.empty();
  }

  @Override
  public Map<String, RateLimit> rateLimited() {
    return limits.limited();
  }

  @Override
  public String statusJson() {
    List<String> items =
        config.pipelines().stream()
            .map(
                p ->
                    PipelineStates.json(
                        p.name(),
                        pauses.pause(p.name()),
                        breaker.isHalted(p.name()),
                        limits.effective(p.name()),
                        limits.override(p.name())))
            .toList();
    return "{\"pipelines\":[" + String.join(",", items) + "]}";
  }

  /** The per-pipeline gauges' view: halted by the breaker, paused by an operator. */
  PipelineStatusView statusView() {
    return new PipelineStatusView() {
      @Override
      public boolean halted(String pipeline) {
        return breaker.isHalted(pipeline);
      }

      @Override
      public boolean haltedForTooLargeDeadLetter(String pipeline) {
        return breaker.isHaltedFor(pipeline, DeadLetterRefused.TOO_LARGE);
      }

      @Override
      public boolean paused(String pipeline) {
        return pauses.isPaused(pipeline);
      }

      @Override
      public double rateLimitRecordsPerSecond(String pipeline) {
        return limits.effective(pipeline).recordsPerSecond().orElse(0);
      }

      @Override
      public double rateLimitMaxTransactions(String pipeline) {
        return limits.effective(pipeline).maxTransactions().orElse(0);
      }

      @Override
      public double throttledSeconds(String pipeline) {
        return limits.throttledSeconds(pipeline);
      }
    };
  }

  private boolean known(String pipeline) {
    return config.pipelines().stream().anyMatch(p -> p.name().equals(pipeline));
  }

  /** Has the poll loop read the pipeline's topics again from their watermarks. */
  private void restart(String pipeline) {
    PollLoop loop = pollLoop.get();
    if (loop != null) { // before the poll loop exists nothing was fetched or dropped
      Predicate<String> topics =
          topic -> routing.pipelineOf(topic).map(p -> p.name().equals(pipeline)).orElse(false);
      loop.restart(topics);
    }
  }
}
