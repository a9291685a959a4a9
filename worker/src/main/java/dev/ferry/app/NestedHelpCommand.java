package dev.ferry.app;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry help [COMMAND [SUBCOMMAND…]]}: the usage of the command the whole path names ({@code
 * ferry help dlt replay} shows {@code replay}'s), where picocli's own help command stops at the
 * first name. An unknown name is a usage error (exit 2) that shows its parent's usage.
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the usage of ferry or of a command, e.g. 'ferry help dlt replay'.")
final class NestedHelpCommand implements IHelpCommandInitializable2, Callable<Integer> {
  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command and subcommands.")
  String[] commands = {};

  private CommandLine self;
  private ColorScheme colors;
  private PrintWriter out;
  private PrintWriter err;

  @Override
  public void init(
      CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
    this.self = helpCommandLine;
    this.colors = colorScheme;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    CommandLine shown = self.getParent();
    for (String name : commands) {
      CommandLine next = shown.getSubcommands().get(name);
      if (next == null) {
        err.println("Unknown subcommand '" + name + "'.");
        shown.usage(err, colors);
        err.flush();
        return ExitCodes.BAD_CONFIG;
      }
      shown = next;
    }
    shown.usage(out, colors);
    out.flush();
    return ExitCodes.OK;
  }
}
