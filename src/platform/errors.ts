/**
 * The error model outside the graph8 API's own (src/api/errors.ts, whose ApiError is a G8Error
 * too). Every failure this code expects is a G8Error subclass, matched with `instanceof`; the
 * entry points print its message as the one line a person reads and exit with its code. Anything
 * else is a bug: an internal error, logged with its stack and shown as "internal error" with a
 * request id, never as the user's mistake.
 */

import { randomUUID } from 'node:crypto';

/** Marks every G8Error, so one made by another copy of this module (the bundled bin loads the
 * tsc output of its lazy branches beside its own bundle) still counts as one. */
const BRAND = Symbol.for('g8-mcp-server.G8Error');

export class G8Error extends Error {
  /** The process exit code when this ends a command. */
  readonly exitCode: number = 1;
  readonly [BRAND] = true;

  /** `instanceof G8Error` by brand; subclasses keep the ordinary prototype check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked of (a subclass or G8Error).
    if (this !== G8Error) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

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
