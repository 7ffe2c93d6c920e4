/**
 * The sandbox's one OAuth client, for a locally run g8-mcp-server: created on first start, its
 * secret kept in sandbox_meta (like the demo key — local use only) and hashed in oauth_clients.
 * Its redirect URIs: any http(s) URL on a loopback host (any port: the MCP server may run on
 * port 0 in tests), plus the exact URIs of startSandbox's `oauth.extraRedirects`.
 */
import type { Db } from '../module.js';
import { getMeta, setMeta } from '../modules/kernel.js';
import { newTokenBody, sha256Hex } from '../util/ids.js';

export const LOCAL_CLIENT_ID = 'g8-mcp-local';
const SECRET_META = 'oauth_client_secret';

export interface LocalClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export function ensureLocalClient(db: Db, nowMs: number): LocalClient {
  return db.transaction((): LocalClient => {
    const secret = getMeta(db, SECRET_META);
    const row = db
      .prepare<[string], { secret_hash: string }>('SELECT secret_hash FROM oauth_clients WHERE client_id = ?')
      .get(LOCAL_CLIENT_ID);
    if (secret !== undefined && row?.secret_hash === sha256Hex(secret)) {
      return { clientId: LOCAL_CLIENT_ID, clientSecret: secret };
    }
    const fresh = `g8cs_${newTokenBody()}`;
    db.prepare(
      `INSERT INTO oauth_clients (client_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (client_id) DO UPDATE SET secret_hash = excluded.secret_hash`,
    ).run(LOCAL_CLIENT_ID, 'g8-mcp-server (local)', sha256Hex(fresh), new Date(nowMs).toISOString());
    setMeta(db, SECRET_META, fresh);
    return { clientId: LOCAL_CLIENT_ID, clientSecret: fresh };
  })();
}

export function clientName(db: Db, clientId: string): string | undefined {
  return db
    .prepare<[string], { name: string }>('SELECT name FROM oauth_clients WHERE client_id = ?')
    .get(clientId)?.name;
}

export function clientSecretMatches(db: Db, clientId: string, secret: string): boolean {
  const row = db
    .prepare<[string], { secret_hash: string }>('SELECT secret_hash FROM oauth_clients WHERE client_id = ?')
    .get(clientId);
  return row !== undefined && row.secret_hash === sha256Hex(secret);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function redirectAllowed(uri: string, extra: readonly string[]): boolean {
  if (extra.includes(uri)) return true;
  try {
    const url = new URL(uri);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK.has(url.hostname) && !url.hash;
  } catch {
    return false;
  }
}
