/**
 * The CLI's exit codes and its one failure of its own; the rest is the house's error model
 * (src/platform/errors.ts): 2 = the command line was wrong (nothing was sent), 1 = the call
 * failed or was not carried out.
 */
import { G8Error } from '../platform/errors.js';

export { UsageError } from '../platform/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The command ran but did not succeed (declined prompt, failed job, cancelled call). */
export class FailedError extends G8Error {}
