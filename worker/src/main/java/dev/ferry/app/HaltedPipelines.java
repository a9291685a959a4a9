package dev.ferry.app;

import dev.ferry.bookkeeping.PipelineHalts;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TopicRouting;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterRefused;
import dev.ferry.health.HttpEndpoint.ResumeResult;
import dev.ferry.health.Readiness;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
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
 * the pipeline halted). Thread-safe.
 */
final class HaltedPipelines {
  private static final Logger log = LoggerFactory.getLogger(HaltedPipelines.class);

  private final FerryConfig config;
  private final Readiness readiness;
  private final DeadLetterBreaker breaker;
  private final TopicRouting routing;
  private volatile PipelineHalts records;

  HaltedPipelines(FerryConfig config, Readiness readiness) {
    this.config = config;
    this.readiness = readiness;
    this.routing = config.routing();
    this.breaker = new DeadLetterBreaker(config.deadLetter().breaker(), this::onHalt);
  }

  DeadLetterBreaker breaker() {
    return breaker;
  }

  /** Records halts and resumes in {@code records} from now on (once Ferry's schema exists). */
  void recordIn(PipelineHalts records) {
    this.records = records;
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
  ResumeResult resume(String pipeline, Consumer<Predicate<String>> restartTopics) {
    Optional<PipelineSettings> settings =
        config.pipelines().stream().filter(p -> p.name().equals(pipeline)).findFirst();
    if (settings.isEmpty()) {
      return ResumeResult.UNKNOWN;
    }
    if (!breaker.resume(pipeline)) {
      return ResumeResult.NOT_HALTED;
    }
    readiness.set("pipeline-halted:" + pipeline, false);
    readiness.set(DeadLetterRefused.TOO_LARGE + ":" + pipeline, false);
    readiness.set(DeadLetterRefused.REFUSED + ":" + pipeline, false);
    PipelineHalts halts = records;
    if (halts != null) {
      halts.resumed(pipeline);
    }
    restartTopics.accept(
        topic -> routing.pipelineOf(topic).map(p -> p.name().equals(pipeline)).orElse(false));
    log.warn("pipeline {} resumed by an operator", pipeline);
    return ResumeResult.RESUMED;
  }
}
