package dev.ferry.it.registry;

import dev.ferry.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a {@code ferry} command in the test's JVM, as an operator would from a shell. */
final class FerryCli {
  /** The command's exit code, standard output and standard error. */
  record Run(int exit, String out, String err) {}

  private FerryCli() {}

  static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
