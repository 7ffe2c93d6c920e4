/**
 * The error model outside the graph8 API's own (src/api/errors.ts, whose ApiError is a G8Error
 * too). Every failure this code expects is a G8Error subclass, matched with `instanceof`; the
 * entry points print its message as the one line a person reads and exit with its code. Anything
 * else is a bug: an internal error, logged with its stack and shown as "internal error" with a
 * request id, never as the user's mistake.
 */

import { randomUUID } from 'node:crypto';

export class G8Error extends Error {
  /** The process exit code when this ends a command. */
  readonly exitCode: number = 1;

  constructor(
    message: string,
    /** One line telling the user what to do next. */
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The user's input was wrong (a flag, an argument, a tool's own argument rule): nothing was sent.
 * Exit 2; a model sees it as invalid arguments.
 */
export class UsageError extends G8Error {
  override readonly exitCode: number = 2;
}

/** A setting has a value that cannot work (exit 1, one line naming the setting). */
export class ConfigError extends G8Error {}

/** The process cannot start as configured: a missing key, an unreachable engine, a bad secret (exit 1). */
export class StartupError extends G8Error {}

/** Whether an error is one this code expects (its message is meant for a person). */
export function isExpected(error: unknown): error is G8Error {
  return error instanceof G8Error;
}

/** The id an internal error is logged under and shown with, so a report can be matched to the log. */
export function internalRequestId(): string {
  return `g8-${randomUUID()}`;
}
