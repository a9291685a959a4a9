package dev.ferry.spi;

import java.util.List;
import java.util.Map;

/**
 * Turns one Kafka record into zero or more rows, each for one of its pipeline's target tables. A
 * pipeline names its transform in the config ({@code transform: NAME}); Ferry finds it with {@link
 * java.util.ServiceLoader} among the jars of {@code worker.plugin-dir}. The rows are then mapped
 * onto each target's columns and coerced like any other value.
 *
 * <p>Ferry creates one instance per pipeline that names it, calls {@link #configure} once with the
 * pipeline's {@code transform-options}, then calls {@link #apply} from several worker threads at
 * once: an implementation must be thread-safe after configuration. It runs inside the worker's
 * transaction loop, so it must be fast and must not block on I/O.
 *
 * <p>A record a transform cannot handle is a permanent failure: throw {@link TransformException}
 * (or let any other exception escape) and the record goes to the dead-letter topic with stage
 * {@code transform} and reason {@code transform-failed}; the other records are unaffected.
 */
public interface RecordTransform {
  /** The name pipelines use to pick this transform; unique among the loaded plugins. */
  String name();

  /**
   * Receives the pipeline's {@code transform-options}; called once, before any {@link #apply}.
   *
   * @throws TransformException when the options are unusable: the worker does not start
   */
  default void configure(String pipeline, Map<String, String> options) throws TransformException {}

  /**
   * The rows of one record, in the order they are to be written; an empty list completes the record
   * without a write.
   */
  List<TransformedRow> apply(InputRecord record) throws TransformException;
}
