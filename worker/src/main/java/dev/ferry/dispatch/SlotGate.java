package dev.ferry.dispatch;

import dev.ferry.lifecycle.Waiter;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A {@link BatchProcessor} that processes a batch only while it holds a {@link TransactionSlots}
 * slot of every pipeline it has records of: the batch waits for them (in name order) before it is
 * decoded and written, and gives them back when it is done, retries included. A batch whose worker
 * stops while it waits returns unprocessed, which {@link BatchProcessor#process} allows.
 */
public final class SlotGate implements BatchProcessor {
  private final BatchProcessor delegate;
  private final TransactionSlots slots;
  private final Function<String, Optional<String>> pipelineOf;
  private final Waiter stop;

  /**
   * @param pipelineOf the pipeline of a topic, if any
   * @param stop says when the worker stops ({@code await(ZERO)} true)
   */
  public SlotGate(
      BatchProcessor delegate,
      TransactionSlots slots,
      Function<String, Optional<String>> pipelineOf,
      Waiter stop) {
    this.delegate = delegate;
    this.slots = slots;
    this.pipelineOf = pipelineOf;
    this.stop = stop;
  }

  @Override
  public void process(List<WorkItem> batch) throws InterruptedException {
    process(batch, LaterQueue.NONE);
  }

  @Override
  public void process(List<WorkItem> batch, LaterQueue later) throws InterruptedException {
    if (!slots.anyLimited()) {
      delegate.process(batch, later);
      return;
    }
    TreeSet<String> names = new TreeSet<>();
    String lastTopic = null;
    for (WorkItem item : batch) {
      String topic = item.record().topic();
      if (!topic.equals(lastTopic)) { // a batch mostly holds runs of one topic
        pipelineOf.apply(topic).ifPresent(names::add);
        lastTopic = topic;
      }
    }
    List<String> pipelines = List.copyOf(names);
    if (!slots.acquire(pipelines, stop)) {
      return; // stopping: the batch is read again by the next owner of its partitions
    }
    try {
      delegate.process(batch, later);
    } finally {
      slots.release(pipelines);
    }
  }
}
