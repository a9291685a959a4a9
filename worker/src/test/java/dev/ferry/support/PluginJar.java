package dev.ferry.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.TreeNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.spi.RecordTransform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a plugin jar the way a plugin author would: compiles a source tree against the SPI and
 * Jackson only, and packs the classes with its {@code src/main/resources} (the {@code
 * META-INF/services} file).
 */
public final class PluginJar {
  private PluginJar() {}

  /**
   * @param project a directory with {@code src/main/java} and {@code src/main/resources}
   * @return the jar, written to {@code into}
   */
  public static Path build(Path project, Path into, String jarName) throws Exception {
    Path classes = Files.createTempDirectory(into, "classes");
    List<Path> sources;
    try (Stream<Path> files = Files.walk(project.resolve("src/main/java"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    String classpath =
        Stream.of(RecordTransform.class, JsonNode.class, TreeNode.class, JsonAutoDetect.class)
            .map(PluginJar::location)
            .collect(Collectors.joining(java.io.File.pathSeparator));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    List<String> args =
        Stream.concat(
                Stream.of("--release", "17", "-classpath", classpath, "-d", classes.toString()),
                sources.stream().map(Path::toString))
            .toList();
    int exit = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
    assertThat(exit)
        .as("javac %s:%n%s", args, diagnostics.toString(StandardCharsets.UTF_8))
        .isZero();
    Path jar = into.resolve(jarName);
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out)) {
      add(zip, classes);
      add(zip, project.resolve("src/main/resources"));
    }
    return jar;
  }

  private static void add(JarOutputStream zip, Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        zip.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
        zip.write(Files.readAllBytes(f));
        zip.closeEntry();
      }
    }
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
