package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.PipelineHalts;
import dev.ferry.bookkeeping.PipelineHalts.Halt;
import dev.ferry.bookkeeping.PipelinePauses;
import dev.ferry.bookkeeping.PipelinePauses.Pause;
import dev.ferry.bookkeeping.PipelineRateLimits;
import dev.ferry.bookkeeping.PipelineRateLimits.RateOverride;
import dev.ferry.config.Durations;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RateLimit;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry pipeline pause|resume|status|rate-limit|rewind}: an operator's control of the
 * config's pipelines ({@link RateLimitCommand} for rate-limit, {@link RewindCommand} for rewind).
 * The commands talk to Postgres only (the state in {@code ferry.pipeline_pauses} and {@code
 * ferry.pipeline_rate_limits}), so they work when no worker is reachable; every worker of the
 * consumer group obeys a change within its {@code worker.control-interval}, and a worker started
 * later obeys it from its start. Exit codes: 0 done (also a pause of a paused pipeline, or a resume
 * of a running one: what was found is printed), 1 Postgres failed, Ferry's schema is missing or a
 * rewind was refused or failed, 2 bad options, a bad config or a pipeline the config does not have.
 */
@Command(
    name = "pipeline",
    description =
        "Pause, resume, show, rate-limit and rewind the pipelines (state kept in Postgres).",
    mixinStandardHelpOptions = true,
    subcommands = {
      PipelineCommand.PauseCommand.class,
      PipelineCommand.ResumeCommand.class,
      PipelineCommand.StatusCommand.class,
      RateLimitCommand.class,
      RewindCommand.class
    })
final class PipelineCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a subcommand is required: pause, resume, status, rate-limit or rewind");
  }

  /**
   * Parses the options picocli leaves as text, loads the config, checks the pipeline named, opens
   * one connection's pool, checks the table, runs the command and maps failures to exit codes.
   */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigFileOption config;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() {
      try {
        return execute();
      } finally {
        out().flush();
        err().flush();
      }
    }

    private int execute() {
      List<String> problems = parseOptions();
      if (!problems.isEmpty()) {
        problems.forEach(p -> err().println("ferry: " + p));
        return ExitCodes.BAD_CONFIG;
      }
      Optional<FerryConfig> loaded = config.load(err());
      if (loaded.isEmpty()) {
        return ExitCodes.BAD_CONFIG;
      }
      Optional<String> unknown = pipelineName().filter(n -> !has(loaded.get(), n));
      if (unknown.isPresent()) {
        err().println("ferry: " + unknownPipeline(loaded.get(), unknown.get()));
        return ExitCodes.BAD_CONFIG;
      }
      try (HikariDataSource db = ConnectionPools.open(loaded.get(), 1)) {
        if (!tableExists(db)) {
          err()
              .println(
                  "ferry: Ferry's schema has no table ferry.pipeline_pauses or"
                      + " ferry.pipeline_rate_limits; run ferry migrate (or start a worker) first");
          return ExitCodes.FAILURE;
        }
        run(loaded.get(), new PipelinePauses(db, loaded.get().kafka().groupId()), db);
        return ExitCodes.OK;
      } catch (Failure e) {
        err().println("ferry: " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (StartupException | SQLException e) {
        err().println("ferry: cannot reach Postgres: " + FerryWorker.rootMessage(e));
        return ExitCodes.FAILURE;
      }
    }

    /**
     * Parses the options that picocli leaves as text, before the config is read: the problems
     * found, each printed after {@code ferry: } (exit 2). None by default.
     */
    List<String> parseOptions() {
      return List.of();
    }

    /** What is printed for a pipeline {@code name} that {@code config} does not have. */
    String unknownPipeline(FerryConfig config, String name) {
      return "the config has no pipeline '"
          + name
          + "' (pipelines: "
          + config.pipelines().stream().map(PipelineSettings::name).toList()
          + ")";
    }

    /** The pipeline the command names, if it names one. */
    Optional<String> pipelineName() {
      return Optional.empty();
    }

    /**
     * Runs the command on the open pool; a {@link Failure} ends it with exit 1, an {@link
     * SQLException} as Postgres unreachable.
     */
    abstract void run(FerryConfig config, PipelinePauses pauses, HikariDataSource db)
        throws SQLException, Failure;

    private static boolean has(FerryConfig config, String name) {
      return config.pipelines().stream().anyMatch(p -> p.name().equals(name));
    }

    private static boolean tableExists(HikariDataSource db) throws SQLException {
      try (Connection c = db.getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT to_regclass('ferry.pipeline_pauses') IS NOT NULL"
                      + " AND to_regclass('ferry.pipeline_rate_limits') IS NOT NULL")) {
        rs.next();
        return rs.getBoolean(1);
      }
    }

    /** The command failed (exit 1); its message, printed after {@code ferry: }, says why. */
    static final class Failure extends Exception {
      private static final long serialVersionUID = 1L;

      Failure(String message) {
        super(message);
      }
    }
  }

  @Command(
      name = "pause",
      description =
          "Pause a pipeline on every worker of the group (in-flight batches finish; nothing more"
              + " of it is read until it is resumed; a restart keeps it paused).",
      mixinStandardHelpOptions = true)
  static final class PauseCommand extends Base {
    @Parameters(index = "0", paramLabel = "NAME", description = "The pipeline.")
    String name;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record.")
    String reason = "";

    @Override
    Optional<String> pipelineName() {
      return Optional.of(name);
    }

    @Override
    void run(FerryConfig config, PipelinePauses pauses, HikariDataSource db) throws SQLException {
      PipelinePauses.Paused paused = pauses.pause(name, operator(), reason);
      if (paused.madeNow()) {
        out()
            .println(
                "pipeline "
                    + name
                    + " paused (group "
                    + config.kafka().groupId()
                    + "); every worker stops reading it within worker.control-interval ("
                    + Durations.format(config.worker().controlInterval())
                    + ")");
      } else {
        out()
            .println(
                "pipeline "
                    + name
                    + " was already paused "
                    + (paused.pause() == null ? "" : PausedPipelines.describe(paused.pause()))
                    + "; nothing changed");
      }
    }
  }

  @Command(
      name = "resume",
      description = "Resume a paused pipeline on every worker of the group.",
      mixinStandardHelpOptions = true)
  static final class ResumeCommand extends Base {
    @Parameters(index = "0", paramLabel = "NAME", description = "The pipeline.")
    String name;

    @Override
    Optional<String> pipelineName() {
      return Optional.of(name);
    }

    @Override
    void run(FerryConfig config, PipelinePauses pauses, HikariDataSource db) throws SQLException {
      Optional<Pause> lifted = pauses.resume(name);
      if (lifted.isPresent()) {
        out()
            .println(
                "pipeline "
                    + name
                    + " resumed (it was paused "
                    + PausedPipelines.describe(lifted.get())
                    + "); every worker reads it again within worker.control-interval");
      } else {
        out().println("pipeline " + name + " was not paused; nothing changed");
      }
      for (Halt h : PipelineHalts.current(db, config.kafka().groupId(), List.of(name))) {
        out()
            .println(
                "note: pipeline "
                    + name
                    + " is halted by the dead-letter breaker on worker "
                    + h.owner()
                    + " ("
                    + h.reason()
                    + "); lift that with POST /pipelines/"
                    + name
                    + "/resume on that worker");
      }
    }
  }

  @Command(
      name = "status",
      description =
          "Show every pipeline: running, paused (since, by, why) or halted, and its rate limit.",
      mixinStandardHelpOptions = true)
  static final class StatusCommand extends Base {
    @Override
    void run(FerryConfig config, PipelinePauses pauses, HikariDataSource db) throws SQLException {
      Map<String, Pause> paused = pauses.current();
      List<String> names = config.pipelines().stream().map(PipelineSettings::name).toList();
      List<Halt> halts = PipelineHalts.current(db, config.kafka().groupId(), names);
      Map<String, RateOverride> overrides =
          new PipelineRateLimits(db, config.kafka().groupId()).current();
      for (String name : names) {
        List<String> parts = new java.util.ArrayList<>();
        Pause p = paused.get(name);
        if (p != null) {
          parts.add("paused " + PausedPipelines.describe(p));
        }
        halts.stream()
            .filter(h -> h.pipeline().equals(name))
            .forEach(
                h ->
                    parts.add(
                        "halted by the dead-letter breaker on worker "
                            + h.owner()
                            + " since "
                            + h.since()
                            + " ("
                            + h.reason()
                            + ")"));
        String line = name + ": " + (parts.isEmpty() ? "running" : String.join("; ", parts));
        line += rateLimit(config, name, overrides.get(name));
        out().println(line);
      }
    }
  }

  /** {@code ; rate limit …} for a status line; empty when the pipeline is unlimited. */
  private static String rateLimit(FerryConfig config, String name, RateOverride override) {
    RateLimit configured =
        config.pipelines().stream()
            .filter(p -> p.name().equals(name))
            .map(PipelineSettings::rateLimit)
            .findFirst()
            .orElse(RateLimit.UNLIMITED);
    if (override != null) {
      return "; rate limit "
          + RateLimitCommand.describe(override)
          + " (the config's: "
          + configured.describe()
          + ")";
    }
    return configured.isUnlimited() ? "" : "; rate limit " + configured.describe() + " (config)";
  }

  /** Who a pause from the CLI is recorded as by: the OS user and the host. */
  static String operator() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return "cli:" + System.getProperty("user.name", "unknown") + "@" + host;
  }
}
