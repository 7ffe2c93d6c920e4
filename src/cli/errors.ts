/**
 * The CLI's failure kinds, each tied to one exit code so every path out of `g8` agrees on them:
 * 2 = the command line was wrong (nothing was sent), 1 = the call failed or was not carried out.
 */

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** One line telling the user what to do next. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Wrong flags, unknown command, missing key: nothing reached the network. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT_USAGE, hint);
  }
}

/** The command ran but did not succeed (declined prompt, failed job, cancelled call). */
export class FailedError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT_FAILED, hint);
  }
}
