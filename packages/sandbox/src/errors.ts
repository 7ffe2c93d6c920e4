/**
 * A start-up problem a user can fix (a port in use, a database without its demo org, a bad
 * option): the caller prints its message as one line, without a stack.
 */
export class SandboxStartError extends Error {
  override readonly name = 'SandboxStartError';
}
