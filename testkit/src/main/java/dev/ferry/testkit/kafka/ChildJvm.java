package dev.ferry.testkit.kafka;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Command lines for child JVMs that run on this JVM's own java and classpath, so the child sees
 * exactly the Kafka jars the caller was built against.
 */
final class ChildJvm {

  private ChildJvm() {}

  static List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath());
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * This JVM's classpath: {@code testkit/target/classes} plus {@code classpath.txt} when started by
   * the scripts, the test classpath under Maven (Surefire's manifest-only jar works too: a child
   * JVM follows its {@code Class-Path}).
   */
  static String classpath() {
    String classpath = System.getProperty("java.class.path");
    if (classpath == null || classpath.isBlank()) {
      throw new IllegalStateException("java.class.path is empty: cannot start a child JVM");
    }
    // Absolute, because the child runs in another working directory.
    return Arrays.stream(classpath.split(File.pathSeparator))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** {@code setsid}, to start a child in a session of its own, or null if there is none. */
  static String setsid() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "setsid");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
