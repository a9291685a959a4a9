package dev.ferry.testkit.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a {@link KafkaProcess} keeps in its data directory: {@code server.properties}, the
 * broker's {@code logback.xml}, its log and its Kafka data.
 */
final class BrokerFiles {

  private static final Pattern CONTROLLER_LISTENER =
      Pattern.compile("CONTROLLER://127\\.0\\.0\\.1:(\\d+)");

  /**
   * Kafka logs through SLF4J, which the classpath binds to Logback (log4j-core is on the classpath
   * too, but only Kafka's dynamic log-level controller uses it). WARN keeps the log readable; two
   * INFO lines say when the broker started and which signal stopped it.
   */
  private static final String LOGBACK_XML =
      """
      <configuration>
        <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder>
            <pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern>
          </encoder>
        </appender>
        <logger name="org.apache.kafka" level="WARN"/>
        <logger name="kafka" level="WARN"/>
        <logger name="state.change.logger" level="WARN"/>
        <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
        <logger name="org.apache.kafka.common.utils.LoggingSignalHandler" level="INFO"/>
        <root level="INFO">
          <appender-ref ref="STDOUT"/>
        </root>
      </configuration>
      """;

  private final Path dataDir;

  BrokerFiles(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath();
  }

  Path dataDir() {
    return dataDir;
  }

  Path serverProperties() {
    return dataDir.resolve("server.properties");
  }

  Path logbackConfig() {
    return dataDir.resolve("logback.xml");
  }

  /** The broker's stdout and stderr, appended across restarts. */
  Path brokerLog() {
    return dataDir.resolve("broker.log");
  }

  Path formatLog() {
    return dataDir.resolve("format.log");
  }

  Path kafkaData() {
    return dataDir.resolve("kraft-data");
  }

  /** Whether the Kafka data has been formatted, i.e. this is a restart on existing data. */
  boolean isFormatted() {
    return Files.exists(kafkaData().resolve("meta.properties"));
  }

  /**
   * The controller port of an earlier start, if any. A restart must keep it: the KRaft voter set
   * stored in the data names the controller's endpoint.
   */
  OptionalInt previousControllerPort() {
    if (!Files.exists(serverProperties())) {
      return OptionalInt.empty();
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(serverProperties())) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + serverProperties(), e);
    }
    Matcher matcher = CONTROLLER_LISTENER.matcher(properties.getProperty("listeners", ""));
    return matcher.find()
        ? OptionalInt.of(Integer.parseInt(matcher.group(1)))
        : OptionalInt.empty();
  }

  void write(int port, int controllerPort) {
    try {
      Files.createDirectories(dataDir);
      Files.writeString(serverProperties(), serverPropertiesText(port, controllerPort));
      Files.writeString(logbackConfig(), LOGBACK_XML);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the broker files in " + dataDir, e);
    }
  }

  private String serverPropertiesText(int port, int controllerPort) {
    StringBuilder text = new StringBuilder();
    text.append("# Written by the Ferry testkit (KafkaProcess); rewritten at every start.\n");
    text.append("process.roles=broker,controller\n");
    text.append("node.id=1\n");
    text.append("listeners=PLAINTEXT://127.0.0.1:")
        .append(port)
        .append(",CONTROLLER://127.0.0.1:")
        .append(controllerPort)
        .append('\n');
    text.append("advertised.listeners=PLAINTEXT://127.0.0.1:").append(port).append('\n');
    text.append("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n");
    text.append("inter.broker.listener.name=PLAINTEXT\n");
    text.append("controller.listener.names=CONTROLLER\n");
    text.append("controller.quorum.bootstrap.servers=127.0.0.1:")
        .append(controllerPort)
        .append('\n');
    text.append("log.dirs=").append(kafkaData()).append('\n');
    for (Map.Entry<String, String> setting : BrokerSettings.forSingleNode().entrySet()) {
      text.append(setting.getKey()).append('=').append(setting.getValue()).append('\n');
    }
    return text.toString();
  }
}
