package dev.ferry.app;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports an argument nobody understood before a required option that is missing: picocli checks
 * the required options first, so {@code ferry check --confg f.yaml} would otherwise say {@code
 * --config} is missing instead of naming the typo. Everything else goes to picocli's own handler
 * (the message, the usage, exit code 2).
 */
final class UnknownOptionFirst implements IParameterExceptionHandler {
  private final IParameterExceptionHandler picocli;

  UnknownOptionFirst(IParameterExceptionHandler picocli) {
    this.picocli = picocli;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) throws Exception {
    CommandLine command = ex.getCommandLine();
    if (ex instanceof MissingParameterException && !command.getUnmatchedArguments().isEmpty()) {
      return picocli.handleParseException(
          new UnmatchedArgumentException(command, command.getUnmatchedArguments()), args);
    }
    return picocli.handleParseException(ex, args);
  }
}
