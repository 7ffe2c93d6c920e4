/**
 * A 2025-era session as every replica sees it: the small record in Redis from which any replica
 * rebuilds the session it does not hold (its Server from the same factory, its transport primed with
 * the client's own `initialize`). Stored as a hash (store.ts): what never changes in one field, and
 * what does (last seen, the log level) in fields of their own, each updated alone.
 */
import { z } from 'zod';

export const SessionRecordSchema = z.object({
  id: z.string().min(1),
  owner: z.string().min(1),
  /** The scopes of the token that opened it; null: an API key, every scope. */
  scopes: z.array(z.string()).nullable(),
  /** The client's `initialize` params, replayed as they came: protocol version, capabilities, info. */
  protocolVersion: z.string(),
  capabilities: z.record(z.string(), z.unknown()),
  clientInfo: z.object({ name: z.string(), version: z.string() }).passthrough(),
  /** The query string of the URL that opened it: its tool selection. */
  search: z.string(),
  openedAt: z.number(),
});

export type SessionRecord = z.infer<typeof SessionRecordSchema> & {
  /** The level the client set with `logging/setLevel`, if it did. */
  readonly logLevel?: string;
  /** When a request last used it (ms), and when it ends unless used again. */
  readonly lastSeen?: number;
  readonly expiresAt?: number;
};

/** The record of a stored hash, or undefined for anything that is not one (never trusted blindly). */
export function parseRecord(hash: Record<string, string>, idleMs: number): SessionRecord | undefined {
  if (hash.record === undefined) return undefined;
  try {
    const parsed = SessionRecordSchema.safeParse(JSON.parse(hash.record));
    if (!parsed.success) return undefined;
    const lastSeen = Number(hash.lastSeen);
    return {
      ...parsed.data,
      ...(hash.logLevel ? { logLevel: hash.logLevel } : {}),
      ...(Number.isFinite(lastSeen) ? { lastSeen, expiresAt: lastSeen + idleMs } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The record for an `initialize` request's params (what the client sent, shape-checked loosely). */
export function recordFor(
  init: { id: string; owner: string; scopes: readonly string[] | undefined; search: string },
  params: unknown,
  now: number,
): SessionRecord {
  const p = (params ?? {}) as Record<string, unknown>;
  const info = (p.clientInfo ?? {}) as Record<string, unknown>;
  return {
    id: init.id,
    owner: init.owner,
    scopes: init.scopes === undefined ? null : [...init.scopes],
    protocolVersion: typeof p.protocolVersion === 'string' ? p.protocolVersion : '',
    capabilities: (typeof p.capabilities === 'object' && (p.capabilities as Record<string, unknown>)) || {},
    clientInfo: { ...info, name: String(info.name ?? ''), version: String(info.version ?? '') },
    search: init.search,
    openedAt: now,
  };
}
