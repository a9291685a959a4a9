package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.support.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment kit agrees with the code: the Kubernetes manifests have the fields a cluster needs
 * and the probes, grace period and security settings Ferry's behaviour asks for; the dashboard and
 * the alert rules query only metrics Ferry serves (docs/metrics.md, the reference of
 * MetricsCatalog); the container runs the same launcher and config path the process tests run. (No
 * Kubernetes schema validator resolves from the registries here, so this test is the check.)
 */
class DeployKitTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final YAMLMapper YAML = new YAMLMapper();

  private static Map<String, JsonNode> manifests() throws Exception {
    Map<String, JsonNode> byKind = new HashMap<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        JsonNode doc = YAML.readTree(f.toFile());
        assertThat(doc.path("apiVersion").asText()).as("%s apiVersion", f).isNotEmpty();
        assertThat(doc.path("kind").asText()).as("%s kind", f).isNotEmpty();
        assertThat(doc.path("metadata").path("name").asText()).as("%s name", f).isNotEmpty();
        String kind = doc.get("kind").asText();
        // Two Secrets (database password, admin token): each by its name.
        byKind.put(
            kind.equals("Secret") ? kind + "/" + doc.at("/metadata/name").asText() : kind, doc);
      }
    }
    assertThat(byKind)
        .containsKeys(
            "Deployment",
            "ConfigMap",
            "Secret/ferry-db",
            "Secret/ferry-admin",
            "Service",
            "PodMonitor",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler");
    return byKind;
  }

  private static FerryConfig configMapConfig(JsonNode configMap, Path dir) throws Exception {
    Path password = Files.writeString(dir.resolve("db-password"), "x");
    Path adminToken = Files.writeString(dir.resolve("admin-token"), "0123456789abcdef");
    String yaml =
        configMap
            .path("data")
            .path("ferry.yaml")
            .asText()
            .replace("/etc/ferry/secrets/db-password", password.toString())
            .replace("/etc/ferry/admin/admin-token", adminToken.toString());
    return ConfigLoader.withEnvironment(Map.of()).parse(yaml, "configmap");
  }

  @Test
  void theDeploymentProbesDrainsAndRunsLocked(@TempDir Path dir) throws Exception {
    Map<String, JsonNode> k8s = manifests();
    JsonNode deployment = k8s.get("Deployment");
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    FerryConfig config = configMapConfig(k8s.get("ConfigMap"), dir);

    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(config.http().port());
    assertThat(pod.path("terminationGracePeriodSeconds").asLong())
        .as("grace period above worker.drain-timeout")
        .isGreaterThan(config.worker().drainTimeout().toSeconds());
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(container.at("/resources/requests/cpu").asText()).isNotEmpty();

    List<String> mounts = new ArrayList<>();
    container.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
    String passwordFile =
        k8s.get("ConfigMap")
            .path("data")
            .path("ferry.yaml")
            .asText()
            .lines()
            .filter(l -> l.contains("password-file:"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElseThrow();
    assertThat(mounts).contains("/etc/ferry/ferry.yaml", "/tmp");
    assertThat(mounts).anyMatch(m -> passwordFile.startsWith(m + "/"));
    assertThat(
            k8s.get("Secret/ferry-db")
                .path("stringData")
                .has(Path.of(passwordFile).getFileName().toString()))
        .isTrue();

    assertThat(config.http().adminToken()).as("the admin door is locked").isPresent();
    assertThat(mounts).contains("/etc/ferry/admin");
    assertThat(pod.toString()).contains("\"secretName\":\"ferry-admin\"");
    assertThat(k8s.get("Secret/ferry-admin").path("stringData").has("admin-token")).isTrue();

    JsonNode labels = deployment.at("/spec/template/metadata/labels");
    for (String kind : List.of("Service", "PodDisruptionBudget")) {
      JsonNode selector =
          kind.equals("Service")
              ? k8s.get(kind).at("/spec/selector")
              : k8s.get(kind).at("/spec/selector/matchLabels");
      selector
          .properties()
          .forEach(e -> assertThat(labels.path(e.getKey())).as(kind).isEqualTo(e.getValue()));
    }
    assertThat(k8s.get("PodMonitor").at("/spec/podMetricsEndpoints/0/path").asText())
        .isEqualTo("/metrics");
  }

  @Test
  void theComposeStacksConfigLoads(@TempDir Path dir) throws Exception {
    Path password = Files.writeString(dir.resolve("db-password"), "x");
    String yaml =
        Files.readString(DEPLOY.resolve("compose/ferry.yaml"))
            .replace("/run/secrets/db-password", password.toString())
            .replace(
                "/run/secrets/admin-token",
                DEPLOY.resolve("compose/admin-token").toAbsolutePath().toString())
            .replace(
                "/etc/ferry/events.schema.json",
                Path.of("..", "schemas", "events.schema.json").toAbsolutePath().toString());

    FerryConfig config = ConfigLoader.withEnvironment(Map.of()).parse(yaml, "compose");

    assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.http().port()).isEqualTo(9400);
    assertThat(config.http().adminToken()).isPresent();
    assertThat(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")))
        .contains("ferry:" + config.http().port());
  }

  @Test
  void theDashboardAndTheAlertsQueryOnlyMetricsFerryServes() throws Exception {
    Set<String> catalog = catalog();
    assertThat(catalog)
        .contains(
            "ferry_records_applied_total",
            "hikaricp_connections_active",
            "ferry_end_to_end_latency_seconds");
    Set<String> used = new TreeSet<>();
    JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/ferry.json").toFile());
    dashboard
        .path("panels")
        .forEach(
            p -> p.path("targets").forEach(t -> used.addAll(metricNames(t.path("expr").asText()))));
    JsonNode alerts = YAML.readTree(DEPLOY.resolve("prometheus/alerts.yml").toFile());
    int rules = 0;
    for (JsonNode group : alerts.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        used.addAll(metricNames(rule.path("expr").asText()));
        rules++;
      }
    }
    assertThat(rules).isEqualTo(11);
    assertThat(used).hasSizeGreaterThan(10);
    for (String name : used) {
      String base = name.replaceFirst("_(bucket|count|sum)$", "");
      assertThat(catalog.contains(name) || catalog.contains(base))
          .as("%s is a metric docs/metrics.md lists", name)
          .isTrue();
    }
  }

  private static final Pattern METRIC =
      Pattern.compile("\\b((?:ferry|hikaricp|jvm|process)_[a-z_]+)\\b");

  private static Set<String> metricNames(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Every metric name docs/metrics.md spells out in backticks. */
  private static Set<String> catalog() throws Exception {
    Set<String> names = new TreeSet<>();
    Matcher m =
        Pattern.compile("`((?:ferry|hikaricp)_[a-z_]+)`")
            .matcher(Files.readString(Path.of("..", "docs", "metrics.md")));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void theImageRunsTheLauncherTheProcessTestsRun() throws Exception {
    List<String> lines = Files.readAllLines(DEPLOY.resolve("Dockerfile"));
    String entrypoint = instruction(lines, "ENTRYPOINT");
    String cmd = instruction(lines, "CMD");
    List<String> copies = lines.stream().filter(l -> l.startsWith("COPY ")).toList();

    assertThat(entrypoint).isEqualTo("[\"/opt/ferry/bin/ferry\"]");
    assertThat(copies).contains("COPY scripts/ferry /opt/ferry/bin/ferry");
    assertThat(copies)
        .contains("COPY --from=build /src/worker/target/ferry.jar /opt/ferry/ferry.jar");
    assertThat(String.join("\n", lines)).contains("FERRY_JAR=/opt/ferry/ferry.jar");
    assertThat(FerryProcess.command("run").subList(0, 2))
        .as("the process tests run the same launcher")
        .containsExactly(
            "bash", Path.of("..", "scripts", "ferry").toAbsolutePath().normalize().toString());

    List<String> args = new ArrayList<>();
    new ObjectMapper().readTree(cmd).forEach(a -> args.add(a.asText()));
    assertThat(args).containsExactly("run", "--config", "/etc/ferry/ferry.yaml");
    JsonNode container = manifests().get("Deployment").at("/spec/template/spec/containers/0");
    List<String> k8sArgs = new ArrayList<>();
    container.path("args").forEach(a -> k8sArgs.add(a.asText()));
    assertThat(k8sArgs).isEqualTo(args);
  }

  private static String instruction(List<String> lines, String name) {
    return lines.stream()
        .filter(l -> l.startsWith(name + " "))
        .reduce((a, b) -> b)
        .map(l -> l.substring(name.length() + 1).trim())
        .orElseThrow();
  }
}
