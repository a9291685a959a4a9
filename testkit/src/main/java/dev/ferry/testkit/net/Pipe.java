package dev.ferry.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One direction of one connection through a {@link TcpProxy}, with a reader and a writer thread.
 * The reader reads whatever arrives, so it learns at once when its side closes, even while the
 * proxy forwards nothing; the writer forwards what was read, in order, and holds it while {@code
 * holding} says so. When the reader's side has ended, the writer forwards what is left, once no
 * longer holding, and the pipe finishes: a close is held like the bytes before it. Thread-safe.
 */
final class Pipe {

  /** Looks at each chunk read and says whether to forward it. */
  interface Filter {
    boolean forward(byte[] buffer, int length);
  }

  /**
   * How far the reader reads ahead of the writer; past that, the kernel's buffers hold the rest.
   */
  private static final int MAX_HELD_BYTES = 1 << 20;

  private static final int BUFFER_BYTES = 16 * 1024;

  private final Socket from;
  private final Socket to;
  private final String name;
  private final BooleanSupplier holding;
  private final Filter filter;
  private final Consumer<Pipe> onFinish;

  // Guarded by this.
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private int pendingBytes;
  private boolean sourceEnded;
  private boolean finished;

  /**
   * @param name the prefix of the two threads' names
   * @param holding whether the writer must hold what it has, read under this pipe's lock; call
   *     {@link #wake()} after it turns false
   * @param onFinish called once, by the writer, when the pipe has finished; closes the sockets
   */
  Pipe(
      Socket from,
      Socket to,
      String name,
      BooleanSupplier holding,
      Filter filter,
      Consumer<Pipe> onFinish) {
    this.from = from;
    this.to = to;
    this.name = name;
    this.holding = holding;
    this.filter = filter;
    this.onFinish = onFinish;
  }

  Socket from() {
    return from;
  }

  Socket to() {
    return to;
  }

  void start() {
    daemon(name + "-read", this::readLoop).start();
    daemon(name + "-write", this::writeLoop).start();
  }

  /** Whether its source side has closed and the close is not yet delivered. */
  synchronized boolean holdsClose() {
    return sourceEnded && !finished;
  }

  /** Lets the writer look at {@link #holding} again. */
  synchronized void wake() {
    notifyAll();
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private void readLoop() {
    byte[] buffer = new byte[BUFFER_BYTES];
    try {
      InputStream in = from.getInputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (filter.forward(buffer, n) && !hand(Arrays.copyOf(buffer, n))) {
          return;
        }
      }
    } catch (IOException e) {
      // This side went away or was reset: the writer finishes the pipe.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      endSource();
    }
  }

  /** Queues a chunk for the writer; false if the pipe has finished. */
  private synchronized boolean hand(byte[] chunk) throws InterruptedException {
    while (pendingBytes >= MAX_HELD_BYTES && !finished) {
      wait();
    }
    if (finished) {
      return false;
    }
    pending.add(chunk);
    pendingBytes += chunk.length;
    notifyAll();
    return true;
  }

  private synchronized void endSource() {
    sourceEnded = true;
    notifyAll();
  }

  private void writeLoop() {
    try {
      OutputStream out = to.getOutputStream();
      for (byte[] chunk; (chunk = next()) != null; ) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException e) {
      // The other side went away or was reset.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finish();
    }
  }

  /** The next chunk to forward, waiting while holding; null once nothing is left to send. */
  private synchronized byte[] next() throws InterruptedException {
    while (true) {
      boolean hold = holding.getAsBoolean();
      if (sourceEnded && !hold && pending.isEmpty()) {
        return null; // the end, like the bytes before it, is delivered once no longer held
      }
      if (!hold && !pending.isEmpty()) {
        byte[] chunk = pending.remove();
        pendingBytes -= chunk.length;
        notifyAll(); // the reader may wait for room
        return chunk;
      }
      wait();
    }
  }

  private void finish() {
    synchronized (this) {
      finished = true;
      pending.clear();
      notifyAll();
    }
    onFinish.accept(this);
  }
}
