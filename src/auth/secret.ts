/**
 * The server secret that seals upstream credentials: G8_MCP_SECRET when set, else a random one
 * generated on first start and kept in the data directory (mode 0600), so grants survive restarts.
 *
 * The data directory and the secret file are checked, not trusted: a directory others can write
 * (they could swap the secret or the database) or a secret others can read or write is tightened
 * when this user owns it (0700 / 0600), and otherwise refused with the fix in the message.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  type Stats,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../platform/errors.js';

export const SECRET_FILE = 'mcp-secret';

export class SecretError extends ConfigError {}

const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

function ownedByUs(stat: Stats): boolean {
  return uid === undefined || stat.uid === uid;
}

/** Creates the data directory (0700) if needed, or makes sure others cannot write it; returns its path. */
export function ensureDataDir(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return dataDir;
  const stat = lstatSync(dataDir);
  if (!stat.isDirectory()) {
    throw new SecretError(`G8_DATA_DIR ${dataDir} is not a directory; point G8_DATA_DIR at a directory.`);
  }
  if ((stat.mode & 0o022) !== 0) {
    if (!ownedByUs(stat)) {
      throw new SecretError(
        `G8_DATA_DIR ${dataDir} is writable by other users (mode ${octal(stat.mode)}) and not owned by this user; run \`chmod 700 ${dataDir}\` as its owner, or set G8_DATA_DIR to a directory of your own.`,
      );
    }
    chmodSync(dataDir, 0o700);
  }
  return dataDir;
}

/** Reads the kept secret from an open file, after making sure only its owner (us) can use it. */
function readKept(file: string, fd: number): Buffer {
  const stat = fstatSync(fd);
  if (!stat.isFile())
    throw new SecretError(`${file} is not a regular file; delete it to generate a new secret.`);
  if ((stat.mode & 0o077) !== 0) {
    if (!ownedByUs(stat)) {
      throw new SecretError(
        `${file} can be read or written by other users (mode ${octal(stat.mode)}) and is not owned by this user; as its owner run \`chmod 600 ${file}\`, or delete it (sealed grants are then lost).`,
      );
    }
    fchmodSync(fd, 0o600); // tightened before a byte is read
  }
  const kept = Buffer.from(readFileSync(fd, 'utf8').trim(), 'base64url');
  if (kept.length < 32) throw new SecretError(`${file} is damaged; delete it to generate a new secret.`);
  return kept;
}

export function loadServerSecret(dataDir: string, configured: string | undefined): Buffer {
  if (configured !== undefined && configured !== '') {
    const bytes = Buffer.from(configured, 'utf8');
    if (bytes.length < 32) {
      throw new SecretError('G8_MCP_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`).');
    }
    return bytes;
  }
  ensureDataDir(dataDir);
  const file = join(dataDir, SECRET_FILE);
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: a symlink planted in place of the secret is not followed.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new SecretError(`${file} is a symbolic link; replace it with the secret file itself.`);
    if (code !== 'ENOENT') throw error;
  }
  if (fd !== undefined) {
    try {
      return readKept(file, fd);
    } finally {
      closeSync(fd);
    }
  }
  const secret = randomBytes(32);
  try {
    // `wx`: if two processes start at once, exactly one writes and the other reads its value.
    writeFileSync(file, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadServerSecret(dataDir, undefined);
    throw error;
  }
  chmodSync(file, 0o600); // the umask may have widened the mode given to writeFileSync
  return secret;
}

/**
 * The key ring: the secret that seals now, then the older ones that still open what they sealed.
 * - G8_MCP_SECRET (else the generated one) seals;
 * - G8_MCP_SECRET_PREVIOUS, comma-separated, newest first, only opens (commas do not occur in
 *   `openssl rand -base64 32` output, so they can separate secrets);
 * - with G8_MCP_SECRET set, a secret the data directory generated before (mcp-secret) also opens,
 *   so moving from the generated secret to a configured one keeps every sign-in.
 * A secret is never named in an error, only its position.
 */
export function loadSecretRing(
  dataDir: string,
  configured: string | undefined,
  previous: string | undefined,
): Buffer[] {
  const ring = [loadServerSecret(dataDir, configured)];
  const older = (previous ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  older.forEach((text, i) => {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length < 32) {
      throw new SecretError(
        `G8_MCP_SECRET_PREVIOUS: secret ${i + 1} of ${older.length} is shorter than 32 characters; list the earlier G8_MCP_SECRET values exactly, newest first, separated by commas.`,
      );
    }
    ring.push(bytes);
  });
  if (configured && existsSync(join(dataDir, SECRET_FILE))) ring.push(loadServerSecret(dataDir, undefined));
  // The same secret listed twice would only cost a second failed tag check: keep the first.
  return ring.filter((key, i) => ring.findIndex((k) => k.equals(key)) === i);
}
