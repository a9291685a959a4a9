package dev.ferry.health;

import dev.ferry.config.RateLimit;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The admin actions on pipelines that {@link HttpEndpoint} serves. Called on the server's handler
 * threads, concurrently.
 */
public interface PipelineControl {
  /** What pausing a pipeline did. */
  enum PauseResult {
    PAUSED,
    ALREADY_PAUSED,
    UNKNOWN,
    /**
     * The pause could not be recorded (Ferry's schema not reachable, or the worker is starting).
     */
    UNAVAILABLE
  }

  /** What setting or clearing a rate-limit override did. */
  enum RateLimitResult {
    SET,
    CLEARED,
    /** A clear found no override. */
    NOT_SET,
    UNKNOWN,
    /** The override could not be recorded (Ferry's schema not reachable, or the worker starts). */
    UNAVAILABLE
  }

  /** Lifts both an operator's pause and a dead-letter halt of {@code pipeline}. */
  HttpEndpoint.ResumeResult resume(String pipeline);

  /** Pauses {@code pipeline} on every replica, recorded as by {@code by}, for {@code reason}. */
  PauseResult pause(String pipeline, String by, String reason);

  /** Every pipeline's state, as a JSON object {@code {"pipelines":[…]}}. */
  String statusJson();

  /** The pipelines paused by an operator now (a detail of readiness, not a reason). */
  Collection<String> paused();

  /**
   * Sets {@code limit} as the rate limit of {@code pipeline} on every replica, in place of its
   * configured one, recorded as by {@code by}.
   */
  default RateLimitResult setRateLimit(String pipeline, RateLimit limit, String by) {
    return RateLimitResult.UNAVAILABLE;
  }

  /** Clears the override of {@code pipeline}: its configured rate limit holds again. */
  default RateLimitResult clearRateLimit(String pipeline, String by) {
    return RateLimitResult.UNAVAILABLE;
  }

  /**
   * The rate limit in force for {@code pipeline}; empty for a pipeline the config does not have.
   */
  default Optional<RateLimit> rateLimit(String pipeline) {
    return Optional.empty();
  }

  /** The pipelines with a rate limit in force, with it (a detail of readiness). */
  default Map<String, RateLimit> rateLimited() {
    return Map.of();
  }

  /** Only the resume of a halt, as before pauses existed. */
  static PipelineControl resumeOnly(
      java.util.function.Function<String, HttpEndpoint.ResumeResult> r) {
    return new PipelineControl() {
      @Override
      public HttpEndpoint.ResumeResult resume(String pipeline) {
        return r.apply(pipeline);
      }

      @Override
      public PauseResult pause(String pipeline, String by, String reason) {
        return PauseResult.UNAVAILABLE;
      }

      @Override
      public String statusJson() {
        return "{\"pipelines\":[]}";
      }

      @Override
      public Collection<String> paused() {
        return java.util.List.of();
      }
    };
  }
}
