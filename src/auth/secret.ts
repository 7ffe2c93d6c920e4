/**
 * The server secret that seals upstream credentials: G8_MCP_SECRET when set, else a random one
 * generated on first start and kept in the data directory (mode 0600), so grants survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE = 'mcp-secret';

export class SecretError extends Error {}

/** Creates the data directory (0700) if needed; returns its path. */
export function ensureDataDir(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return dataDir;
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
  try {
    const kept = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    if (kept.length < 32) throw new SecretError(`${file} is damaged; delete it to generate a new secret.`);
    return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
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
