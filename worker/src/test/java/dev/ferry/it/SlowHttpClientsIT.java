package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.health.http.HttpLimits;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that hold connections open cannot silence the probes and the scrapes: with 50 connections
 * that sent an incomplete request and 500 that sent nothing, {@code /health/live} and {@code
 * /metrics} still answer within a second, and the incomplete requests are cut after their deadline.
 */
@Timeout(120)
class SlowHttpClientsIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int SLOW = 50;
  private static final int IDLE = 500;
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void probesAndScrapesAnswerWhileSlowAndIdleClientsHoldConnections() throws Exception {
    String topic = KAFKA.uniqueTopic("slow-http");
    KAFKA.createTopic(topic, 1);
    RunningWorker worker =
        RunningWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).group("ferry-slow-http").load());
    List<Socket> sockets = new ArrayList<>();
    try (worker) {
      try {
        int port = worker.httpPort();
        Scrape probe = Scrape.asProbe(port, ONE_SECOND);
        await("ready")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> probe.ready().statusCode() == 200);

        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < SLOW; i++) {
          Socket s = connect(port);
          s.getOutputStream()
              .write(
                  "GET /health/live HTTP/1.1\r\nHost: ferry\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          slow.add(s);
        }
        long slowSentAt = System.nanoTime();
        sockets.addAll(slow);
        for (int i = 0; i < IDLE; i++) {
          sockets.add(connect(port));
        }

        for (int round = 0; round < 5; round++) {
          HttpResponse<String> live = probe.live();
          assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
          HttpResponse<String> metrics = probe.metrics();
          assertThat(metrics.statusCode()).isEqualTo(200);
          assertThat(metrics.body()).contains("ferry_");
        }

        Duration deadline = HttpLimits.DEFAULTS.requestTimeout();
        for (Socket s : slow) {
          long waited = Duration.ofNanos(System.nanoTime() - slowSentAt).toMillis();
          long left = deadline.toMillis() + 5_000 - waited;
          assertThat(closedWithin(s, Math.max(1, left)))
              .as("an incomplete request is cut within %s of its deadline", Duration.ofSeconds(5))
              .isTrue();
        }
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
    return s;
  }

  /** Whether the server closes {@code s} (end of stream or a reset) within {@code millis}. */
  private static boolean closedWithin(Socket s, long millis) throws IOException {
    s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketException e) {
      return true; // reset by the server
    } catch (SocketTimeoutException e) {
      return false;
    }
  }
}
