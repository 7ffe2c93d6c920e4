/**
 * The process's three streams as the CLI sees them. Every byte written goes through here, so the
 * API key is scrubbed at one place even if an upstream message were to echo it back.
 */

export interface Io {
  readonly stdin: NodeJS.ReadStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdinIsTty: boolean;
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  /** Width for tables and wrapped help. */
  readonly columns: number;
  out(text: string): void;
  err(text: string): void;
}

export function processIo(secret: string | undefined): Io {
  const scrub = (text: string) =>
    secret && secret.length >= 8 ? text.replaceAll(secret, '[redacted]') : text;
  const columns = process.stdout.columns || Number(process.env.COLUMNS) || 100;
  return {
    // A getter: touching process.stdin opens it, and only a confirmation prompt needs it.
    get stdin() {
      return process.stdin;
    },
    stderr: process.stderr,
    stdinIsTty: process.stdin.isTTY === true,
    stdoutIsTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    columns: Math.max(40, columns),
    out: (text) => void process.stdout.write(scrub(text)),
    err: (text) => void process.stderr.write(scrub(text)),
  };
}
