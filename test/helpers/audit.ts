/** The audit trail seen from outside: its JSON endpoint, and keys of either sandbox org to read it with. */
import type { Db } from '../../packages/sandbox/src/index.js';
import { insertKey } from '../../packages/sandbox/src/kernel/keys.js';

export function orgIds(db: Db): { demo: string; other: string } {
  const meta = (k: string) =>
    (db.prepare('SELECT v FROM sandbox_meta WHERE k = ?').get(k) as { v: string }).v;
  return { demo: meta('demo_org_id'), other: meta('other_org_id') };
}

/** A key of `orgId` minted straight into the sandbox (empty scopes: unrestricted). */
export function keyOf(db: Db, orgId: string, scopes: string[] = [], userEmail: string | null = null): string {
  return insertKey(db, {
    orgId,
    name: `audit test ${scopes.join(' ') || 'full'}`,
    mode: 'test',
    scopes,
    isAgency: false,
    createdBy: null,
    userEmail,
    createdAt: Math.floor(Date.now() / 1000),
    expiresAt: null,
  }).token;
}

// biome-ignore lint/suspicious/noExplicitAny: response JSON is asserted field by field
export type Json = any;

export interface AuditAnswer {
  readonly status: number;
  readonly body: Json;
}

/** GET /audit/records with a credential (Bearer), e.g. `{ tool: 'g8_search_contacts', limit: '200' }`. */
export async function auditRecords(
  publicUrl: string,
  credential: string | undefined,
  query: Record<string, string> = {},
): Promise<AuditAnswer> {
  const url = new URL('/audit/records', publicUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    headers: credential ? { authorization: `Bearer ${credential}` } : {},
  });
  return { status: res.status, body: await res.json() };
}

/** Every record the credential may read (all pages). */
export async function allRecords(
  publicUrl: string,
  credential: string,
  query: Record<string, string> = {},
): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const res = await auditRecords(publicUrl, credential, { ...query, limit: '200', page: String(page) });
    if (res.status !== 200) throw new Error(`audit records: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.records);
    if (out.length >= res.body.total || res.body.records.length === 0) return out;
  }
}
