package dev.ferry.testkit.kafka;

import dev.ferry.testkit.FreePorts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) running as a child JVM: {@code
 * kafka.Kafka server.properties} on this JVM's java and classpath. Unlike {@link
 * EmbeddedKafkaBroker} it can be stopped with SIGTERM or SIGKILL and restarted on the same data.
 *
 * <p>The data directory holds {@code server.properties}, the broker's {@code logback.xml}, its
 * stdout and stderr in {@code broker.log}, and the Kafka data. Starting again on a directory that
 * already holds data (with the same or another client port) restarts the broker on that data; the
 * directory is never deleted by this class.
 *
 * <p>Thread-safe. {@link #stop} and {@link #close} act once; later calls return at once. If this
 * JVM exits while the broker runs, a shutdown hook kills the broker.
 */
public final class KafkaProcess implements KafkaBroker {

  /** Grace period of {@link #close()}. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(20);

  private static final Logger LOG = LoggerFactory.getLogger(KafkaProcess.class);
  private static final String HEAP = "-Xmx512m";
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final int LOG_TAIL_LINES = 40;

  private final Process process;
  private final int port;
  private final BrokerFiles files;
  private final Thread killOnExit;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private BrokerAdmin admin;

  private KafkaProcess(Process process, int port, BrokerFiles files, boolean detached) {
    this.process = process;
    this.port = port;
    this.files = files;
    if (detached) {
      this.killOnExit = null;
    } else {
      this.killOnExit =
          new Thread(process::destroyForcibly, "ferry-kafka-process-killer-" + process.pid());
      Runtime.getRuntime().addShutdownHook(killOnExit);
    }
  }

  /**
   * Formats {@code dataDir} if it holds no Kafka data yet, starts the broker as a child process on
   * {@code 127.0.0.1:port}, and returns once it answers an admin client.
   *
   * @param port the client port; the controller gets another free port
   * @param dataDir created if missing
   * @param timeout for everything: format, start and the first answer
   * @throws IllegalStateException if the broker does not come up in time; the message holds the
   *     tail of its log, and the process is killed
   */
  public static KafkaProcess start(int port, Path dataDir, Duration timeout) {
    return start(port, dataDir, timeout, false, launched -> {});
  }

  /**
   * Like {@link #start(int, Path, Duration)}; a detached broker runs in a session of its own (via
   * {@code setsid}) and is not killed when this JVM exits, so it outlives a launcher. {@code
   * onLaunch} runs as soon as the process exists, before it is ready.
   */
  static KafkaProcess start(
      int port, Path dataDir, Duration timeout, boolean detached, Consumer<KafkaProcess> onLaunch) {
    Deadline deadline = Deadline.after(timeout);
    BrokerFiles files = new BrokerFiles(dataDir);
    if (!FreePorts.isFree(port)) {
      throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use");
    }
    int controllerPort =
        files.previousControllerPort().orElseGet(() -> FreePorts.pickOtherThan(port));
    if (!FreePorts.isFree(controllerPort)) {
      throw new IllegalStateException("controller port " + controllerPort + " is in use");
    }
    files.write(port, controllerPort);
    try {
      long startNanos = System.nanoTime();
      if (!files.isFormatted()) {
        format(files, deadline);
      }
      long launchNanos = System.nanoTime();
      KafkaProcess broker = new KafkaProcess(launch(files, detached), port, files, detached);
      try {
        onLaunch.accept(broker);
        broker.awaitReady(deadline, timeout);
      } catch (RuntimeException | InterruptedException e) {
        broker.kill(e);
        throw e;
      }
      long readyNanos = System.nanoTime();
      LOG.info(
          "Kafka pid {} ready on {} in {} ms (format {} ms, start {} ms), data in {}",
          broker.pid(),
          broker.bootstrapServers(),
          (readyNanos - startNanos) / 1_000_000,
          (launchNanos - startNanos) / 1_000_000,
          (readyNanos - launchNanos) / 1_000_000,
          files.dataDir());
      return broker;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Kafka in " + dataDir, e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start Kafka in " + dataDir, e);
    }
  }

  private static void format(BrokerFiles files, Deadline deadline)
      throws IOException, InterruptedException {
    List<String> command =
        ChildJvm.command(
            // A short-lived tool: the C1 compiler and the serial collector start it fastest.
            List.of(
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + files.logbackConfig()),
            "kafka.tools.StorageTool",
            List.of(
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                files.serverProperties().toString(),
                "--standalone"));
    Process format =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(files.formatLog().toFile())
            .start();
    if (!format.waitFor(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
      format.destroyForcibly();
      throw new IllegalStateException(
          "formatting " + files.kafkaData() + " timed out\n" + tail(files.formatLog()));
    }
    if (format.exitValue() != 0) {
      throw new IllegalStateException(
          "formatting "
              + files.kafkaData()
              + " failed with exit code "
              + format.exitValue()
              + "\n"
              + tail(files.formatLog()));
    }
  }

  private static Process launch(BrokerFiles files, boolean detached) throws IOException {
    List<String> command = new ArrayList<>();
    String setsid = detached ? ChildJvm.setsid() : null;
    if (setsid != null) {
      command.add(setsid); // execs java in place, so the pid stays the broker's
    }
    command.addAll(
        ChildJvm.command(
            List.of(
                HEAP,
                "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + files.logbackConfig()),
            "kafka.Kafka",
            List.of(files.serverProperties().toString())));
    return new ProcessBuilder(command)
        .directory(files.dataDir().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(files.brokerLog().toFile()))
        .start();
  }

  private void awaitReady(Deadline deadline, Duration timeout) throws InterruptedException {
    // Wait for the socket first: an admin client polling a closed port logs a warning per try.
    while (!accepts()) {
      pauseWhileAlive(deadline, timeout);
    }
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.CLIENT_ID_CONFIG,
            "ferry-testkit-readiness");
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          Collection<Node> nodes =
              admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get();
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException e) {
          // not ready yet; the loop ends at the deadline or when the process dies
        }
        pauseWhileAlive(deadline, timeout);
      }
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return true;
    } catch (IOException e) {
      return false; // refused (not listening yet) or timed out
    }
  }

  /** Waits a poll interval, returning early (with an exception) if the broker dies. */
  private void pauseWhileAlive(Deadline deadline, Duration timeout) throws InterruptedException {
    if (deadline.expired()) {
      throw new IllegalStateException(
          "Kafka on " + bootstrapServers() + " not ready within " + timeout + "\n" + logTail());
    }
    long waitMillis = Math.min(POLL_INTERVAL.toMillis(), deadline.remaining().toMillis());
    if (process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "Kafka exited with code " + process.exitValue() + " while starting\n" + logTail());
    }
  }

  private void kill(Exception failure) {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.addSuppressed(e);
    }
    stopped.set(true);
    removeShutdownHook();
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path dataDir() {
    return files.dataDir();
  }

  /** The broker's stdout and stderr. */
  public Path logFile() {
    return files.brokerLog();
  }

  @Override
  public void createTopic(String name, int partitions) {
    admin().createTopic(name, partitions);
  }

  private synchronized BrokerAdmin admin() {
    if (stopped.get()) {
      throw new IllegalStateException("Kafka on " + bootstrapServers() + " is stopped");
    }
    if (admin == null) {
      admin = new BrokerAdmin(bootstrapServers());
    }
    return admin;
  }

  /**
   * Sends SIGTERM, waits up to {@code grace} for the broker to exit, then sends SIGKILL. Returns
   * once the process is gone. Only the first call does anything.
   *
   * @param grace {@link Duration#ZERO} kills at once, like {@code kill -9}
   */
  public void stop(Duration grace) {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      synchronized (this) {
        if (admin != null) {
          admin.close();
        }
      }
    } finally {
      try {
        if (grace.isZero()) {
          process.destroyForcibly();
          process.waitFor();
        } else {
          ProcessTermination.terminate(process.toHandle(), grace);
          process.waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping Kafka pid " + pid(), e);
      } finally {
        removeShutdownHook();
      }
    }
  }

  /** {@link #stop(Duration)} with {@link #DEFAULT_STOP_GRACE}. */
  @Override
  public void close() {
    stop(DEFAULT_STOP_GRACE);
  }

  private void removeShutdownHook() {
    if (killOnExit == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down, and the hook kills the broker
    }
  }

  private String logTail() {
    return tail(files.brokerLog());
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
      return "--- last lines of "
          + log
          + " ---\n"
          + String.join("\n", lines.subList(from, lines.size()));
    } catch (IOException e) {
      return "(could not read " + log + ": " + e + ")";
    }
  }
}
