import { describe, expect, it } from 'vitest';
import { domainModules } from '../src/modules/domain.js';
import { Harness, T0 } from './domain-harness.js';

/** Every route the catalogue calls in these areas, with the scope api-contract.md gives it. */
const CONTRACT: readonly string[] = [
  'POST /sequences sequences:run',
  'GET /sequences/:sequence_id/preview sequences:read',
  'PATCH /sequences/:sequence_id sequences:run',
  'DELETE /sequences/:sequence_id/channels/linkedin sequences:delete',
  'PATCH /sequences/:sequence_id/steps/:step_id sequences:run',
  'POST /sequences/:sequence_id/pause sequences:run',
  'POST /sequences/:sequence_id/resume sequences:run',
  'GET /sequences/:sequence_id/analytics sequences:read',
  'DELETE /sequences/:sequence_id sequences:delete',
  'GET /inbox inbox:read',
  'GET /inbox/:reply_id inbox:read',
  'POST /inbox/:reply_id/assign inbox:run',
  'POST /inbox/:reply_id/tag inbox:run',
  'GET /inbox/:reply_id/draft inbox:read',
  'POST /inbox/:reply_id/send inbox:run',
  'GET /audience-syncs integrations:read',
  'POST /audience-syncs integrations:run',
  'GET /audience-syncs/:config_id integrations:read',
  'PATCH /audience-syncs/:config_id integrations:run',
  'DELETE /audience-syncs/:config_id integrations:delete',
  'POST /audience-syncs/:config_id/trigger integrations:run',
  'GET /audience-syncs/:config_id/runs integrations:run',
  'GET /audience-syncs/:config_id/errors integrations:read',
  'GET /crm-syncs integrations:read',
  'POST /crm-syncs/:provider/contacts/push integrations:run',
  'POST /crm-syncs/:provider/companies/push integrations:run',
  'POST /crm-syncs/:provider/lists/push integrations:run',
  'GET /crm-syncs/:provider/fields integrations:read',
  'GET /crm-syncs/:provider/status integrations:read',
  'POST /repos campaigns:write',
  'POST /repos/:repo_id/scan search:run',
  'GET /repos/:repo_id/scan search:run',
  'GET /repos/:repo_id campaigns:read',
  'POST /repos/:repo_id/install integrations:write',
  'POST /repos/:repo_id/install/apply integrations:write',
  'GET /repos/:repo_id/install/status integrations:read',
  'GET /repos/:repo_id/campaigns campaigns:read',
  'GET /repos/:repo_id/campaigns/:campaign_id campaigns:read',
  'POST /repos/:repo_id/kb/search knowledge:write',
  'GET /repos/:repo_id/kb knowledge:read',
  'GET /campaigns campaigns:read',
  'GET /campaigns/:campaign_id campaigns:read',
  'GET /campaigns/:campaign_id/full campaigns:read',
  'GET /campaigns/:campaign_id/documents/:document_id campaigns:read',
  'POST /campaigns campaigns:run',
  'PATCH /campaigns/:campaign_id campaigns:run',
  'PATCH /campaigns/:campaign_id/full campaigns:run',
  'POST /campaigns/:campaign_id/launch campaigns:launch',
  'POST /kb/search campaigns:write',
  'GET /kb campaigns:read',
];

/** Routes served beyond the catalogue (documented in the sandbox README / report). */
/** Routes the sandbox adds beyond the contract, so sandbox users and MCP resources can find ids. */
const EXTRA = [
  'GET /sequences sequences:read',
  'GET /repos campaigns:read',
  'GET /repos/:repo_id/kb/:doc_id knowledge:read',
  // Cancelling a running job, for MCP tasks/cancel (graph8 has no such routes yet).
  'POST /audience-syncs/:config_id/runs/:run_id/cancel integrations:run',
];

describe('domain modules', () => {
  const routes = domainModules.flatMap((m) => m.routes);
  const served = routes.map((r) => `${r.method} ${r.path} ${r.scope}`);

  it('serve exactly the contract’s routes with its scopes', () => {
    expect([...served].sort()).toEqual([...CONTRACT, ...EXTRA].sort());
  });

  it('have unique method+path pairs and a summary each', () => {
    expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length);
    for (const r of routes) expect(r.summary.length, `${r.method} ${r.path}`).toBeGreaterThan(5);
  });

  it('namespace their tables by module', () => {
    const prefixes: Record<string, string> = {
      sequences: 'seq_',
      inbox: 'inbox_',
      audience: 'aud_',
      crm: 'crm_',
      repos: 'repo_',
      campaigns: 'camp_',
      knowledge: 'kb_',
    };
    for (const m of domainModules) {
      for (const sql of m.migrations) {
        const table = /(?:CREATE (?:TABLE|INDEX)|ALTER TABLE) (\w+)/.exec(sql)?.[1] ?? '';
        expect(table.startsWith(prefixes[m.name] ?? '?'), `${m.name}: ${table}`).toBe(true);
      }
    }
  });

  it('seed the same database every time', () => {
    const dump = (h: Harness) =>
      (h.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") as { name: string }[]).map(
        (t) => [t.name, h.rows(`SELECT * FROM ${t.name} ORDER BY rowid`)],
      );
    expect(dump(new Harness())).toEqual(dump(new Harness()));
  });

  it('seed both orgs and date nothing after the seed time', () => {
    const h = new Harness();
    for (const [table, column] of [
      ['seq_sequences', 'org_id'],
      ['inbox_threads', 'org_id'],
      ['aud_syncs', 'org_id'],
      ['crm_connections', 'org_id'],
      ['repo_repos', 'org_id'],
      ['camp_campaigns', 'org_id'],
      ['kb_documents', 'org_id'],
    ] as const) {
      expect(h.row(`SELECT COUNT(DISTINCT ${column}) AS n FROM ${table}`).n, table).toBe(2);
    }
    const latest = [
      h.row('SELECT MAX(date) AS t FROM inbox_messages').t,
      h.row('SELECT MAX(updated_at) AS t FROM inbox_threads').t,
      h.row('SELECT MAX(updated_at) AS t FROM seq_sequences').t,
      h.row('SELECT MAX(at) AS t FROM seq_events').t,
      h.row('SELECT MAX(day) AS t FROM seq_daily').t,
      h.row('SELECT MAX(updated_at) AS t FROM camp_campaigns').t,
      h.row('SELECT MAX(updated_at) AS t FROM kb_documents').t,
    ];
    for (const t of latest) expect(Date.parse(t)).toBeLessThanOrEqual(T0);
    expect(h.row('SELECT MAX(created_ms) AS t FROM aud_runs').t).toBeLessThanOrEqual(T0);
    expect(h.row('SELECT COUNT(*) AS n FROM inbox_threads WHERE org_id = ?', 'org_demo').n).toBe(25);
  });
});
