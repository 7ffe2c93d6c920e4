/** HubSpot and Salesforce connected, Pipedrive disconnected (token revoked); the other org has HubSpot. */
import type { Db, SeedContext } from '../../module.js';
import { orgName } from '../../util/org.js';
import { DAY_MS, iso } from '../../util/time.js';

export function seedCrm(db: Db, seed: SeedContext): void {
  const insert = db.prepare(
    `INSERT INTO crm_connections (org_id, provider, status, account_name, connected_at, last_sync_at, last_checked_at,
      last_error, rate_day, rate_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const name = orgName(db, seed.orgId);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const today = iso(seed.now).slice(0, 10);
  const at = (days: number) => iso(seed.now - days * DAY_MS);
  insert.run(
    seed.orgId,
    'hubspot',
    'connected',
    `${name} (portal 24511873)`,
    at(120),
    at(0.2),
    at(0.2),
    null,
    today,
    1840,
  );
  insert.run(
    seed.orgId,
    'salesforce',
    'connected',
    `${slug}.my.salesforce.com`,
    at(60),
    at(1),
    at(1),
    null,
    today,
    312,
  );
  insert.run(
    seed.orgId,
    'pipedrive',
    'disconnected',
    `${slug}.pipedrive.com`,
    at(200),
    at(35),
    at(30),
    'OAuth token revoked by a Pipedrive admin; reconnect in Settings → Integrations',
    null,
    0,
  );
  const other = orgName(db, seed.otherOrgId);
  insert.run(
    seed.otherOrgId,
    'hubspot',
    'connected',
    `${other} (portal 99120044)`,
    at(30),
    at(2),
    at(2),
    null,
    null,
    0,
  );
}
