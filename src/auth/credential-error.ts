/** Kept apart from credentials.ts so the call path can name it without loading the OAuth client. */
import { G8Error } from '../platform/errors.js';

/**
 * The grant can no longer reach graph8 (ended, expired, sealed under a retired secret) or cannot
 * right now (`transient`): the tool call answers it as a tool error saying what the user does.
 */
export class CredentialError extends G8Error {
  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
  }
}
