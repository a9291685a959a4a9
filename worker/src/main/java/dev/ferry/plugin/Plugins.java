package dev.ferry.plugin;

import dev.ferry.config.PipelineSettings;
import dev.ferry.spi.RecordTransform;
import dev.ferry.spi.TransformException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RecordTransform}s of the plugin directory: every {@code *.jar} in it is put on one
 * class loader (whose parent is Ferry's own, so plugins share the SPI and Jackson classes), and
 * {@link ServiceLoader} finds the transforms their {@code META-INF/services} files list. Immutable
 * after loading.
 */
public final class Plugins {
  private static final Logger log = LoggerFactory.getLogger(Plugins.class);

  private final Map<String, ServiceLoader.Provider<RecordTransform>> transforms;
  private final Map<String, String> sources;

  private Plugins(
      Map<String, ServiceLoader.Provider<RecordTransform>> transforms,
      Map<String, String> sources) {
    this.transforms = transforms;
    this.sources = sources;
  }

  /**
   * Loads the transforms of {@code dir} (and any on Ferry's own class path).
   *
   * @throws PluginException when a jar cannot be read, a listed class cannot be loaded, or two
   *     transforms share a name
   */
  public static Plugins load(Optional<Path> dir) throws PluginException {
    List<URL> jars = new ArrayList<>();
    if (dir.isPresent()) {
      try (Stream<Path> files = Files.list(dir.get())) {
        for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
          jars.add(jar.toUri().toURL());
        }
      } catch (IOException e) {
        throw new PluginException("cannot read plugin directory " + dir.get() + ": " + e, e);
      }
    }
    ClassLoader parent = Plugins.class.getClassLoader();
    ClassLoader loader =
        jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
    Map<String, ServiceLoader.Provider<RecordTransform>> transforms = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    try {
      for (ServiceLoader.Provider<RecordTransform> provider :
          ServiceLoader.load(RecordTransform.class, loader).stream().toList()) {
        String name = provider.get().name();
        String source = source(provider.type());
        if (transforms.putIfAbsent(name, provider) != null) {
          throw new PluginException(
              "two transforms are named '" + name + "': " + sources.get(name) + " and " + source);
        }
        sources.put(name, source);
        log.info("transform {} loaded from {}", name, source);
      }
    } catch (ServiceConfigurationError e) {
      throw new PluginException("cannot load a transform plugin: " + e.getMessage(), e);
    }
    return new Plugins(transforms, sources);
  }

  private static String source(Class<?> type) {
    var location = type.getProtectionDomain().getCodeSource();
    if (location == null) {
      return type.getName();
    }
    try {
      return type.getName() + " in " + Path.of(location.getLocation().toURI()).getFileName();
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return type.getName();
    }
  }

  /** The loaded transforms by name, with the class and jar each came from. */
  public Map<String, String> available() {
    return Map.copyOf(sources);
  }

  /**
   * A new, configured instance of the transform {@code pipeline} names; empty when it names none.
   *
   * @throws PluginException when no plugin provides it or it refuses the pipeline's options
   */
  public Optional<RecordTransform> forPipeline(PipelineSettings pipeline) throws PluginException {
    if (pipeline.transform().isEmpty()) {
      return Optional.empty();
    }
    String name = pipeline.transform().get();
    ServiceLoader.Provider<RecordTransform> provider = transforms.get(name);
    if (provider == null) {
      throw new PluginException(
          "pipeline "
              + pipeline.name()
              + " names transform '"
              + name
              + "', which no plugin provides (loaded: "
              + (transforms.isEmpty() ? "none; is worker.plugin-dir set?" : transforms.keySet())
              + ")");
    }
    RecordTransform transform = provider.get();
    try {
      transform.configure(pipeline.name(), pipeline.transformOptions());
    } catch (TransformException | RuntimeException e) {
      throw new PluginException(
          "transform "
              + name
              + " refused the options of pipeline "
              + pipeline.name()
              + ": "
              + e.getMessage(),
          e);
    }
    return Optional.of(transform);
  }

  /** Fails the start: a plugin is missing, broken or misconfigured. */
  public static final class PluginException extends Exception {
    private static final long serialVersionUID = 1L;

    PluginException(String message) {
      super(message);
    }

    PluginException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
