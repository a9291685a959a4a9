package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry run}: validates the config (exit 2 on any problem, before any connection), starts
 * the worker and runs it until SIGTERM or SIGINT, then drains and exits 0 (3 if the drain ran out
 * of time, 1 on a failure). Tables, columns or input topics that do not match the config also exit
 * 2, before Ferry migrates its schema or creates dead-letter topics.
 */
@Command(
    name = "run",
    description = "Run the worker until SIGTERM or SIGINT, then drain and exit.",
    mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
  private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(15);

  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Optional<FerryConfig> loaded = config.load(err);
    if (loaded.isEmpty()) {
      return ExitCodes.BAD_CONFIG;
    }
    FerryConfig settings = loaded.get();
    // Signals are handled before the start, so that one arriving during the start still drains.
    Duration patience = settings.worker().drainTimeout().plus(SHUTDOWN_MARGIN);
    AtomicReference<FerryWorker> running = new AtomicReference<>();
    AtomicBoolean stopAsked = new AtomicBoolean();
    CountDownLatch startEnded = new CountDownLatch(1);
    boolean signals =
        Signals.install(
            () -> {
              stopAsked.set(true);
              FerryWorker w = running.get();
              if (w != null) {
                w.requestStop();
              }
            },
            () -> {
              System.out.flush();
              Runtime.getRuntime().halt(ExitCodes.FORCED);
            });
    if (!signals) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> stopOnSignal(running, startEnded, patience), "ferry-shutdown"));
    }
    FerryWorker worker;
    try {
      // Known to the signal handler from the start on, so that a signal ends a wait for Kafka.
      worker = FerryWorker.start(settings, running::set);
    } catch (StartupException e) {
      log.error("cannot start: {}", e.getMessage());
      err.println("ferry: cannot start: " + e.getMessage());
      err.flush();
      return e.exitCode();
    } finally {
      startEnded.countDown();
    }
    running.set(worker);
    if (stopAsked.get()) {
      worker.requestStop();
    }
    while (!worker.awaitTermination(Duration.ofDays(1))) {
      log.debug("still running");
    }
    return worker.exitCode();
  }

  /**
   * The fallback when signals cannot be handled directly: runs in the JVM's shutdown sequence
   * (SIGTERM, SIGINT, or System.exit after a failure), drains the worker, then halts with the
   * worker's exit code, because a JVM ended by a signal would otherwise report 143 even after a
   * clean drain. A second signal has no effect in this mode.
   */
  private static void stopOnSignal(
      AtomicReference<FerryWorker> running, CountDownLatch startEnded, Duration patience) {
    int code;
    try {
      if (!startEnded.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
        code = ExitCodes.FAILURE;
      } else {
        FerryWorker worker = running.get();
        if (worker == null) {
          code = ExitCodes.FAILURE; // the start failed; main is reporting why
        } else {
          worker.requestStop();
          code = worker.awaitTermination(patience) ? worker.exitCode() : ExitCodes.DRAIN_TIMEOUT;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = ExitCodes.DRAIN_TIMEOUT;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }
}
