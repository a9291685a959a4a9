package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.PipelinePauses;
import dev.ferry.bookkeeping.PipelineRateLimits;
import dev.ferry.bookkeeping.PipelineRateLimits.RateOverride;
import dev.ferry.config.Durations;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RateLimit;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry pipeline rate-limit NAME --records-per-second N [--max-transactions M] | --clear}:
 * sets a pipeline's rate limit on every worker of the group in place of its configured {@code
 * rate-limit} (a part left out is unlimited), or clears that override. Kept in {@code
 * ferry.pipeline_rate_limits}; every worker obeys it within {@code worker.control-interval}, and a
 * worker started later from its start. A bad combination or value is refused (exit 2) before
 * Postgres is contacted.
 */
@Command(
    name = "rate-limit",
    description =
        "Set a pipeline's rate limit on every worker of the group (records per second and"
            + " transactions at once, per worker; a part left out is unlimited), or --clear it"
            + " back to the config's.",
    mixinStandardHelpOptions = true)
final class RateLimitCommand extends PipelineCommand.Base {
  @Parameters(index = "0", paramLabel = "NAME", description = "The pipeline.")
  String name;

  @Option(
      names = "--records-per-second",
      paramLabel = "N",
      description = "Records of the pipeline handed to the workers per second, per worker (> 0).")
  Double recordsPerSecond;

  @Option(
      names = "--max-transactions",
      paramLabel = "M",
      description = "Transactions writing the pipeline's rows at once, per worker (≥ 1).")
  Integer maxTransactions;

  @Option(names = "--clear", description = "Clear the override: the config's limit holds again.")
  boolean clear;

  @Override
  Optional<String> pipelineName() {
    // Checked here, before the config's pipelines and Postgres: a usage mistake is exit 2.
    if (clear == (recordsPerSecond != null || maxTransactions != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "give --records-per-second and/or --max-transactions, or --clear (not both)");
    }
    if (!clear) {
      List<String> problems = RateLimit.problems(records(), transactions());
      if (!problems.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--" + String.join("; --", problems));
      }
    }
    return Optional.of(name);
  }

  private OptionalDouble records() {
    return recordsPerSecond == null ? OptionalDouble.empty() : OptionalDouble.of(recordsPerSecond);
  }

  private OptionalInt transactions() {
    return maxTransactions == null ? OptionalInt.empty() : OptionalInt.of(maxTransactions);
  }

  @Override
  void run(FerryConfig config, PipelinePauses pauses, HikariDataSource db) throws SQLException {
    PipelineRateLimits limits = new PipelineRateLimits(db, config.kafka().groupId());
    RateLimit configured =
        config.pipelines().stream()
            .filter(p -> p.name().equals(name))
            .map(PipelineSettings::rateLimit)
            .findFirst()
            .orElse(RateLimit.UNLIMITED);
    String within =
        "; every worker obeys it within worker.control-interval ("
            + Durations.format(config.worker().controlInterval())
            + ")";
    if (clear) {
      Optional<RateOverride> cleared = limits.clear(name);
      out()
          .println(
              cleared.isEmpty()
                  ? "pipeline " + name + " had no rate-limit override; nothing changed"
                  : "pipeline "
                      + name
                      + " rate-limit override cleared (it was "
                      + describe(cleared.get())
                      + "); back to the config's "
                      + configured.describe()
                      + within);
      return;
    }
    RateOverride set =
        limits.set(name, new RateLimit(records(), transactions()), PipelineCommand.operator());
    out()
        .println(
            "pipeline "
                + name
                + " rate limit "
                + set.limit().describe()
                + " per worker (group "
                + config.kafka().groupId()
                + ", in place of the config's "
                + configured.describe()
                + ")"
                + within);
  }

  /** {@code 100 records/s, … set by WHO at WHEN}. */
  static String describe(RateOverride o) {
    return o.limit().describe() + ", set by " + o.setBy() + " at " + o.setAt();
  }
}
