package dev.ferry.health;

import java.util.Collection;

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

  /** Lifts both an operator's pause and a dead-letter halt of {@code pipeline}. */
  HttpEndpoint.ResumeResult resume(String pipeline);

  /** Pauses {@code pipeline} on every replica, recorded as by {@code by}, for {@code reason}. */
  PauseResult pause(String pipeline, String by, String reason);

  /** Every pipeline's state, as a JSON object {@code {"pipelines":[…]}}. */
  String statusJson();

  /** The pipelines paused by an operator now (a detail of readiness, not a reason). */
  Collection<String> paused();

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
