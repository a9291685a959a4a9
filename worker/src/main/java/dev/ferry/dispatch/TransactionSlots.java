package dev.ferry.dispatch;

import dev.ferry.lifecycle.Waiter;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Each pipeline's {@code max-transactions}: how many batches holding its records may be processed
 * at once in this worker, and so how many transactions write its rows at once. A batch takes a slot
 * of every pipeline it holds records of, one pipeline after the other in name order, so that two
 * batches never wait for each other's slots (no deadlock). A limit changed at run time holds for
 * the next batches: a lower one lets the batches in flight finish, a higher one wakes the waiting.
 *
 * <p>Thread-safe: worker threads take and give back slots, the control thread sets the limits.
 */
public final class TransactionSlots {
  /** How often a wait for a slot looks whether the worker stops. */
  static final Duration STOP_CHECK = Duration.ofMillis(100);

  private static final class Slot {
    int limit; // 0 when unlimited
    int inUse;
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Slot> slots = new HashMap<>();

  /** How many pipelines have a limit: none, the common case, costs a batch nothing. */
  private volatile int limited;

  /** Unlimited slots for each of {@code pipelines}; other names are never limited. */
  public TransactionSlots(Collection<String> pipelines) {
    pipelines.forEach(p -> slots.put(p, new Slot()));
  }

  /** Sets {@code pipeline}'s limit; empty for none. */
  public void setLimit(String pipeline, OptionalInt max) {
    lock.lock();
    try {
      Slot slot = slots.get(pipeline);
      if (slot != null) {
        int before = slot.limit;
        slot.limit = max.orElse(0);
        limited += (slot.limit > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether any pipeline has a limit now. While none has, batches take no slot (and so are not
   * counted against a limit set while they run: such a limit holds from the next batches on).
   */
  boolean anyLimited() {
    return limited > 0;
  }

  /** The slots of {@code pipeline} taken now. */
  public int inUse(String pipeline) {
    lock.lock();
    try {
      Slot slot = slots.get(pipeline);
      return slot == null ? 0 : slot.inUse;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes a slot of each of {@code pipelines}, in the order given (name order, see the class
   * comment), waiting while a limit is reached.
   *
   * @param stop said to be stopped ({@code await(ZERO)} true) when the worker stops; checked every
   *     {@link #STOP_CHECK} while waiting
   * @return true when every slot is taken; false when the worker stopped first (none is held then)
   */
  boolean acquire(List<String> pipelines, Waiter stop) throws InterruptedException {
    lock.lock();
    int taken = 0;
    try {
      for (; taken < pipelines.size(); taken++) {
        Slot slot = slots.get(pipelines.get(taken));
        while (slot != null && slot.limit > 0 && slot.inUse >= slot.limit) {
          if (stop.await(Duration.ZERO)) {
            releaseLocked(pipelines.subList(0, taken));
            return false;
          }
          changed.await(STOP_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (slot != null) {
          slot.inUse++;
        }
      }
      return true;
    } catch (InterruptedException e) {
      releaseLocked(pipelines.subList(0, taken));
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** Gives back a slot of each of {@code pipelines}, as taken by {@link #acquire}. */
  void release(List<String> pipelines) {
    lock.lock();
    try {
      releaseLocked(pipelines);
    } finally {
      lock.unlock();
    }
  }

  private void releaseLocked(List<String> pipelines) {
    for (String p : pipelines) {
      Slot slot = slots.get(p);
      if (slot != null && slot.inUse > 0) {
        slot.inUse--;
      }
    }
    changed.signalAll();
  }
}
