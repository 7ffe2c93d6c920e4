/**
 * The audit trail of a process, assembled from the Config: remote mode keeps it in `audit.db` in
 * G8_DATA_DIR (purged past G8_AUDIT_RETENTION_DAYS, hourly and at start); stdio appends JSON
 * lines to G8_AUDIT_FILE, and keeps none without it.
 */
import type { ApiClient } from '../api/client.js';
import type { McpPrincipal } from '../auth/mcp-auth.js';
import type { Config } from '../config/load.js';
import type { CallAudit } from '../mcp/call-audit.js';
import { identityReader } from '../runtime/identity.js';
import { jsonlAuditStore } from './jsonl-store.js';
import { AuditLog, type AuditLogger } from './log.js';
import { type AuditPrincipal, callAudit, credentialTag } from './principal.js';
import { openSqliteAuditStore } from './sqlite-store.js';
import type { AuditStore } from './store.js';

const DAY_MS = 86_400_000;
const PURGE_EVERY_MS = 3_600_000;

export interface RemoteTrail {
  readonly log: AuditLog;
  readonly store: AuditStore;
  /** The audit of one authenticated caller's tool calls. */
  forPrincipal(principal: McpPrincipal, api: ApiClient): CallAudit;
  /** Deletes what is older than the retention; returns how many. */
  purge(now?: number): Promise<number>;
  close(): Promise<void>;
}

function auditPrincipal(principal: McpPrincipal): AuditPrincipal {
  const [, id = ''] = principal.owner.split(':', 2);
  return principal.kind === 'oauth'
    ? { kind: 'oauth', grantId: id, fallbackId: id }
    : // The owner of a key is the key's SHA-256 (mcp-auth.ts): a prefix of it names it well enough.
      { kind: 'api_key', fallbackId: `sha256:${id.slice(0, 16)}` };
}

export async function openRemoteTrail(
  config: Pick<Config, 'dataDir' | 'auditRetentionDays'>,
  logger: AuditLogger,
  store?: AuditStore,
): Promise<RemoteTrail> {
  const opened = store ?? (await openSqliteAuditStore(config.dataDir));
  const log = new AuditLog({ store: opened, logger });
  const retentionMs = config.auditRetentionDays * DAY_MS;
  const purge = async (now = Date.now()) => {
    const removed = await opened.purge(now - retentionMs);
    if (removed) logger.info({ removed, retention_days: config.auditRetentionDays }, 'audit records purged');
    return removed;
  };
  const run = () =>
    void purge().catch((error: unknown) => logger.warn({ err: String(error) }, 'audit purge failed'));
  run();
  const timer = setInterval(run, PURGE_EVERY_MS);
  timer.unref();
  return {
    log,
    store: opened,
    forPrincipal: (principal, api) =>
      callAudit(log, auditPrincipal(principal), identityReader(api, principal.credential)),
    purge,
    async close() {
      clearInterval(timer);
      await log.close();
    },
  };
}

/** Stdio: an audit only when G8_AUDIT_FILE is set. */
export function openStdioTrail(
  config: Pick<Config, 'auditFile'>,
  logger: AuditLogger,
  api: ApiClient,
  apiKey: string,
): { audit: CallAudit; close(): Promise<void> } | undefined {
  if (!config.auditFile) return undefined;
  const log = new AuditLog({ store: jsonlAuditStore(config.auditFile), logger });
  const principal: AuditPrincipal = { kind: 'api_key', fallbackId: credentialTag(apiKey) };
  return {
    audit: callAudit(
      log,
      principal,
      identityReader(api, () => apiKey),
    ),
    close: () => log.close(),
  };
}
