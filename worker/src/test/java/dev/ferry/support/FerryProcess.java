package dev.ferry.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar worker/target/ferry.jar ARGS} as a child process, output captured to a file, for
 * tests that prove behaviour at the process boundary (exit codes, signals).
 *
 * <p>Every process's exit code is checked: by the test, through {@link #awaitExit}, or else by
 * {@link #close()}, which stops a process still running with SIGTERM, as a container runtime does,
 * and fails unless it exits 0 within {@link #STOP_DEADLINE}.
 */
public final class FerryProcess implements AutoCloseable {
  /**
   * How long {@link #close()} waits for the exit after SIGTERM: the default {@code
   * worker.drain-timeout} (30 s) and the bounded close steps after it.
   */
  public static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

  private final Process process;
  private final Path output;
  private volatile boolean exitSeen;

  private FerryProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  public static Path jar() {
    String path = System.getProperty("ferry.jar", "target/ferry.jar");
    Path jar = Path.of(path).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn package first");
    }
    return jar;
  }

  public static FerryProcess start(Path workDir, String... args) throws IOException {
    return start(workDir, java.util.Map.of(), args);
  }

  /** The launcher every process test runs, as the container image's ENTRYPOINT does. */
  public static Path launcher() {
    Path launcher = Path.of("..", "scripts", "ferry").toAbsolutePath().normalize();
    if (!Files.isRegularFile(launcher)) {
      throw new IllegalStateException(launcher + " is missing");
    }
    return launcher;
  }

  /** The command line of {@code ferry ARGS}: the launcher, run by bash, then the arguments. */
  public static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(launcher().toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Starts with extra environment variables. */
  public static FerryProcess start(Path workDir, java.util.Map<String, String> env, String... args)
      throws IOException {
    Path output = Files.createTempFile(workDir, "ferry-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command(args))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    // The launcher runs this jar with the JVM of the tests (it execs, so the pid stays the one
    // signalled); FERRY_JAVA_OPTS replaces its container defaults with a small heap.
    Path javaBin = Path.of(System.getProperty("java.home"), "bin");
    builder.environment().put("PATH", javaBin + java.io.File.pathSeparator + System.getenv("PATH"));
    builder.environment().put("FERRY_JAR", jar().toString());
    builder.environment().put("FERRY_JAVA_OPTS", "-Xmx256m");
    builder.environment().putAll(env);
    Process process = builder.start();
    return new FerryProcess(process, output);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM, as a container runtime does on stop. */
  public void sigterm() {
    process.destroy();
  }

  /** Sends SIGKILL. */
  public void sigkill() {
    process.destroyForcibly();
  }

  /**
   * Waits for the exit; returns the exit code, for the test to assert on, or fails with an {@link
   * AssertionError} on timeout.
   */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "ferry did not exit within " + timeout + "; output so far:\n" + output());
    }
    exitSeen = true;
    return process.exitValue();
  }

  /** Waits until the output contains {@code text} (a log line), failing if the process dies. */
  public void awaitOutput(String text, Duration timeout) {
    org.awaitility.Awaitility.await("output '" + text + "' of ferry " + pid())
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .failFast("ferry " + pid() + " exited:\n" + output(), () -> !process.isAlive())
        .until(() -> output().contains(text));
  }

  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }

  /**
   * Checks the exit code the test did not read through {@link #awaitExit}: a process still running
   * gets SIGTERM and must exit 0 within {@link #STOP_DEADLINE}; one that already exited must have
   * exited 0. A process that does not exit in time is killed with SIGKILL.
   *
   * @throws AssertionError if the exit code was unread and not 0, or the process did not exit in
   *     time after SIGTERM
   * @throws IllegalStateException if the thread is interrupted while it waits (the process is
   *     killed and the flag kept)
   */
  @Override
  public void close() {
    if (exitSeen) {
      return;
    }
    boolean running = process.isAlive();
    sigterm();
    try {
      if (!process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "ferry did not exit within " + STOP_DEADLINE + " of SIGTERM; output:\n" + output());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting for ferry " + pid() + " to exit", e);
    }
    exitSeen = true;
    if (process.exitValue() != 0) {
      throw new AssertionError(
          "ferry exited with "
              + process.exitValue()
              + (running ? " after SIGTERM" : ", an exit code the test did not check")
              + "; output:\n"
              + output());
    }
  }
}
