/** CRM connection tables and the provider vocabulary (§2.5). */
import { type Db, fail } from '../../module.js';

export const migrations: readonly string[] = [
  `CREATE TABLE crm_connections (
    org_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    status TEXT NOT NULL,
    account_name TEXT,
    connected_at TEXT,
    last_sync_at TEXT,
    last_checked_at TEXT,
    last_error TEXT,
    rate_day TEXT,
    rate_used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, provider)
  )`,
  `CREATE TABLE crm_records (
    org_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    entity TEXT NOT NULL,
    match_key TEXT NOT NULL,
    external_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, provider, entity, match_key)
  )`,
  `CREATE TABLE crm_list_members (
    org_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    list_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, provider, list_id, contact_id)
  )`,
];

export const PROVIDERS = ['hubspot', 'salesforce', 'pipedrive', 'zoho', 'sugarcrm'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** CRM-side API budgets per day (what each vendor's default tier allows), for the status route. */
export const DAILY_LIMIT: Readonly<Record<Provider, number>> = {
  hubspot: 250_000,
  salesforce: 100_000,
  pipedrive: 80_000,
  zoho: 25_000,
  sugarcrm: 10_000,
};

export interface ConnectionRow {
  org_id: string;
  provider: string;
  status: string;
  account_name: string | null;
  connected_at: string | null;
  last_sync_at: string | null;
  last_checked_at: string | null;
  last_error: string | null;
  rate_day: string | null;
  rate_used: number;
}

/** The provider path segment, case-insensitive; an unknown provider is a 404 (§2.5 chosen). */
export function providerOf(raw: string | undefined): Provider {
  const lower = (raw ?? '').trim().toLowerCase();
  const provider = PROVIDERS.find((p) => p === lower);
  if (!provider) throw fail.notFound(`Unknown CRM provider: ${raw ?? ''} (use ${PROVIDERS.join(', ')})`);
  return provider;
}

export function connectionOf(db: Db, orgId: string, provider: Provider): ConnectionRow | undefined {
  return db.prepare('SELECT * FROM crm_connections WHERE org_id = ? AND provider = ?').get(orgId, provider) as
    | ConnectionRow
    | undefined;
}

/** The connection a push or field read needs; a known but unconnected CRM is the 409. */
export function requireConnected(db: Db, orgId: string, provider: Provider): ConnectionRow {
  const connection = connectionOf(db, orgId, provider);
  if (connection?.status !== 'connected') throw fail.conflict(`${provider} is not connected`);
  return connection;
}

/** Calls used today against the CRM's own daily budget (resets at UTC midnight). */
export function rateUsedToday(connection: ConnectionRow, today: string): number {
  return connection.rate_day === today ? connection.rate_used : 0;
}
