package dev.ferry.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry pipeline …}: operator actions on one pipeline of a config. */
@Command(
    name = "pipeline",
    description = "Operator actions on one pipeline.",
    mixinStandardHelpOptions = true,
    subcommands = {RewindCommand.class})
final class PipelineCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: rewind");
  }
}
