package dev.ferry.dispatch;

import dev.ferry.source.PartitionState;
import dev.ferry.source.RecordHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link RecordHandler} that hands a pipeline's records on no faster than its {@link TokenBucket}
 * lets them: a record of a pipeline without a token is refused (the poll loop seeks its partition
 * back to it, so nothing is lost or dead-lettered, and reads it again later), and the pipeline's
 * topics are {@linkplain #holdsBack held back} (their partitions paused) until the bucket has
 * refilled. Records of topics without a pipeline, or of pipelines without a rate, pass as before.
 * Everything else is the delegate's.
 *
 * <p>Poll thread only, as the poll loop calls a handler; the buckets themselves are thread-safe.
 */
public final class RateLimitedHandler implements RecordHandler {
  private final RecordHandler delegate;
  private final Map<String, TokenBucket> buckets;
  private final Function<String, Optional<String>> pipelineOf;
  private final Map<String, Optional<TokenBucket>> byTopic = new HashMap<>();

  /**
   * @param buckets each pipeline's bucket, by name
   * @param pipelineOf the pipeline of a topic, if any
   */
  public RateLimitedHandler(
      RecordHandler delegate,
      Map<String, TokenBucket> buckets,
      Function<String, Optional<String>> pipelineOf) {
    this.delegate = delegate;
    this.buckets = Map.copyOf(buckets);
    this.pipelineOf = pipelineOf;
  }

  @Override
  public boolean hasRoomFor(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
    Optional<TokenBucket> bucket = bucketOf(record.topic());
    if (bucket.isPresent() && !bucket.get().mayTake()) {
      return false; // asked first: the delegate's byte bound keeps no wait for a refused record
    }
    return delegate.hasRoomFor(record, partition);
  }

  @Override
  public void handle(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
    bucketOf(record.topic()).ifPresent(TokenBucket::take);
    delegate.handle(record, partition);
  }

  @Override
  public boolean holdsBack(String topic) {
    Optional<TokenBucket> bucket = bucketOf(topic);
    return (bucket.isPresent() && bucket.get().holdsBack()) || delegate.holdsBack(topic);
  }

  @Override
  public boolean hasRoom() {
    return delegate.hasRoom();
  }

  @Override
  public int discardQueued(Predicate<PartitionState> which) {
    return delegate.discardQueued(which);
  }

  @Override
  public int inMemory() {
    return delegate.inMemory();
  }

  private Optional<TokenBucket> bucketOf(String topic) {
    return byTopic.computeIfAbsent(topic, t -> pipelineOf.apply(t).map(buckets::get));
  }
}
