package dev.ferry.testkit.cli;

import dev.ferry.testkit.registry.ApicurioRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A real schema registry for scripts (scripts/bench): {@link ApicurioRegistry} with in-memory
 * storage on a free loopback port.
 *
 * <pre>
 * RegistryServer --work DIR
 * </pre>
 *
 * <p>Prints {@code url=URL} (the Confluent-compatible base URL) on stdout once the registry is
 * ready, then runs until SIGTERM (or SIGINT) or until its stdin closes, whichever comes first, and
 * stops the registry (SIGTERM to its process). Its log is {@code DIR/registry.log}. Exit code 0
 * after a stop, 1 if the start failed, 2 on bad usage. The distribution is the system property
 * {@code ferry.registry.home}, or {@code registry-runtime/target/apicurio} from the working
 * directory.
 */
public final class RegistryServer {
  private static final String USAGE = "usage: RegistryServer --work DIR";

  private final Object lock = new Object();
  private ApicurioRegistry registry;
  private boolean stopped;

  private RegistryServer() {}

  /**
   * The work directory given by {@code --work DIR}.
   *
   * @throws IllegalArgumentException on any other command line
   */
  static Path parse(String... args) {
    if (args.length != 2 || !args[0].equals("--work") || args[1].isBlank()) {
      throw new IllegalArgumentException("--work DIR is required, and nothing else");
    }
    return Path.of(args[1]);
  }

  public static void main(String[] argv) {
    Path workDir;
    try {
      workDir = parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("registry-server: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    RegistryServer server = new RegistryServer();
    // SIGTERM and SIGINT run the hooks; so does the exit after stdin closed (then a no-op).
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "registry-server-stop"));
    try {
      server.start(workDir);
    } catch (RuntimeException e) {
      System.err.println("registry-server: " + e.getMessage());
      server.stop();
      System.exit(1);
      return;
    }
    awaitEndOfInput(System.in);
    server.stop();
  }

  private void start(Path workDir) {
    ApicurioRegistry started = ApicurioRegistry.start(workDir);
    synchronized (lock) {
      registry = started;
      if (stopped) { // a signal came while it started: stop() saw no registry to close
        registry.close();
        return;
      }
    }
    System.out.println("url=" + started.url());
    System.out.flush();
  }

  /** Blocks until stdin ends (or cannot be read: the same for a process nobody talks to). */
  private static void awaitEndOfInput(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // input is ignored; only its end matters
      }
    } catch (IOException e) {
      System.err.println("registry-server: stdin: " + e.getMessage() + "; stopping");
    }
  }

  /** Stops the registry; once, from whichever thread comes first. */
  private void stop() {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (registry != null) {
        registry.close();
      } else {
        // The registry may be starting on the main thread, which the JVM's exit will not wait
        // for: end the child JVM this process started rather than leave it behind.
        ProcessHandle.current().children().forEach(ProcessHandle::destroy);
      }
    }
  }
}
