/**
 * Every binding through the built stdio server against the sandbox with the demo key: each
 * returns a non-error result for valid input. Ids come from the seeded database, so the test
 * follows the seed rather than hard-coding it; calls run in an order that respects state
 * (create before read, pause before resume, install before apply).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolsForMode } from '../../src/catalogue/select.js';
import { catalogue } from '../../tools/index.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

type Row = Record<string, unknown>;

describe('every binding against the sandbox', () => {
  let sb: TestSandbox;
  let session: StdioSession;
  let org: string;
  const called = new Set<string>();

  const one = (sql: string, ...args: unknown[]) => {
    const row = sb.db.prepare(sql).get(...args) as Row | undefined;
    if (!row) throw new Error(`seed lookup found nothing: ${sql}`);
    return row;
  };

  async function call(name: string, args: Record<string, unknown>) {
    called.add(name);
    const r = await session.client.callTool({ name, arguments: args });
    expect(r.isError, `${name}: ${JSON.stringify(r.content).slice(0, 600)}`).toBeFalsy();
    return r.structuredContent as Row;
  }

  beforeAll(async () => {
    sb = await startTestSandbox();
    org = (await sb.rest('GET', '/me')).body.data.org_id;
    session = await startStdio({
      G8_API_KEY: sb.demoKey,
      G8_API_URL: sb.url,
      G8_MCP_MODE: 'all',
      G8_CONFIRM: 'never',
      G8_DISCOVERY: 'off',
      G8_LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    await session?.close();
    await sb?.stop();
  });

  it('contacts, companies, lookups and enrichment', async () => {
    const contact = one('SELECT id, work_email FROM contacts WHERE org_id = ? ORDER BY id LIMIT 1', org);
    const company = one('SELECT id, domain FROM companies WHERE org_id = ? ORDER BY id LIMIT 1', org);
    const stage = one('SELECT slug FROM lifecycle_stages WHERE org_id = ? LIMIT 1', org);
    const config = one(
      'SELECT list_id FROM enrichment_configs WHERE org_id = ? AND is_active = 1 LIMIT 1',
      org,
    );
    const members = sb.db
      .prepare('SELECT contact_id FROM list_members WHERE list_id = ? LIMIT 3')
      .all(config.list_id) as Row[];
    await call('g8_search_contacts', { limit: 5 });
    const detail = await call('g8_get_contact', { contact_id: contact.id, include_suppression: true });
    expect(detail.suppression).toBeDefined();
    await call('g8_search_companies', { limit: 5 });
    await call('g8_search_companies', { lifecycle_stage: stage.slug });
    await call('g8_get_company', { company_id: company.id });
    await call('g8_lookup_person', { email: contact.work_email });
    await call('g8_lookup_company', { domain: company.domain });
    const job = await call('g8_enrich_contacts', {
      contact_ids: members.map((m) => m.contact_id),
      list_id: config.list_id,
    });
    expect(job.job_id).toBeTruthy();
    await call('g8_verify_email', { email: contact.work_email });
  });

  it('sequences', async () => {
    const owner = one("SELECT email FROM users WHERE org_id = ? AND role = 'admin' LIMIT 1", org);
    const live = one("SELECT id FROM seq_sequences WHERE org_id = ? AND status = 'live' LIMIT 1", org);
    const created = await call('g8_create_sequence', {
      name: 'Binding test sequence',
      user_email: owner.email,
      steps: [
        {
          step_order: 1,
          step_type: 'EMAIL',
          input_type: 'MANUAL_TEMPLATE',
          step_data: { subject: 'Hi {{first_name}}', body: 'Hello' },
        },
      ],
    });
    const seqId = created.id as string;
    const preview = await call('g8_get_sequence_preview', { sequence_id: seqId });
    const stepId = (preview.steps as Row[])[0]!.id;
    await call('g8_update_sequence', { sequence_id: seqId, name: 'Renamed binding test' });
    await call('g8_update_sequence_step', { sequence_id: seqId, step_id: stepId, time_interval: 3600 });
    await call('g8_pause_sequence', { sequence_id: live.id });
    await call('g8_resume_sequence', { sequence_id: live.id });
    await call('g8_get_sequence_analytics', { sequence_id: live.id });
    await call('g8_delete_sequence', { sequence_id: seqId });
  });

  it('inbox', async () => {
    const thread = one(
      "SELECT id, contact_email FROM inbox_threads WHERE org_id = ? AND store = 'email' AND contact_email IS NOT NULL LIMIT 1",
      org,
    );
    const tag = one('SELECT id FROM inbox_tags WHERE org_id = ? LIMIT 1', org);
    const member = one('SELECT email FROM users WHERE org_id = ? LIMIT 1', org);
    // The way a model finds from_address: the org's mailboxes, a connected and non-archived one.
    const { items: mailboxes } = (await call('g8_list_mailboxes', {})) as { items: Row[] };
    const mailbox = mailboxes.find((m) => m.connection_status === 'connected' && m.is_archived === false)!;
    expect(mailbox.email).toEqual(expect.any(String));
    await call('g8_list_inbox', { channel: 'email' });
    await call('g8_get_reply', { reply_id: thread.id });
    await call('g8_assign_reply', { reply_id: thread.id, assignee_email: member.email });
    await call('g8_tag_reply', { reply_id: thread.id, tag_ids: [tag.id] });
    await call('g8_get_reply_draft', { reply_id: thread.id });
    await call('g8_send_reply', {
      reply_id: thread.id,
      channel: 'email',
      body: '<p>Thanks, talk soon.</p>',
      to: thread.contact_email,
      from_address: mailbox.email,
    });
  });

  it('audience syncs', async () => {
    const existing = one('SELECT id FROM aud_syncs WHERE org_id = ? AND is_active = 1 LIMIT 1', org);
    // A list with no linkedin sync yet, so creating one is not a duplicate.
    const list = one(
      "SELECT id FROM lists WHERE org_id = ? AND id NOT IN (SELECT audience_id FROM aud_syncs WHERE platform = 'linkedin') LIMIT 1",
      org,
    );
    await call('g8_list_audience_syncs', {});
    const created = await call('g8_create_audience_sync', { audience_id: list.id, platform: 'linkedin' });
    const id = created.id as number;
    await call('g8_get_audience_sync', { config_id: existing.id });
    await call('g8_update_audience_sync', { config_id: id, refresh_cadence_hours: 12 });
    await call('g8_trigger_audience_sync', { config_id: id });
    await call('g8_get_audience_sync_runs', { config_id: id });
    await call('g8_get_audience_sync_errors', { config_id: existing.id });
    await call('g8_delete_audience_sync', { config_id: id });
  });

  it('CRM syncs', async () => {
    const list = one('SELECT id FROM lists WHERE org_id = ? LIMIT 1', org);
    const contact = one('SELECT id FROM contacts WHERE org_id = ? LIMIT 1', org);
    await call('g8_list_crm_syncs', {});
    await call('g8_push_to_crm_contact', {
      provider: 'hubspot',
      records: [{ work_email: 'new.person@example.test', first_name: 'New', last_name: 'Person' }],
    });
    await call('g8_push_to_crm_company', {
      provider: 'hubspot',
      records: [{ name: 'Example Co', domain: 'example.test' }],
    });
    await call('g8_push_to_crm_list', {
      provider: 'hubspot',
      records: [{ list_id: list.id, add_contact_ids: [contact.id], remove_contact_ids: [] }],
    });
    await call('g8_get_crm_fields', { provider: 'salesforce', entity_type: 'companies' });
    await call('g8_get_crm_status', { provider: 'hubspot' });
  });

  it('developer mode', async () => {
    const link = one(
      'SELECT l.repo_id, l.campaign_id FROM camp_repo_links l JOIN repo_repos r ON r.id = l.repo_id WHERE r.org_id = ? LIMIT 1',
      org,
    );
    const repo = await call('g8_connect_repo', {
      repo_url: 'https://github.com/acme-robotics/binding-test',
      repo_name: 'binding-test',
    });
    const repoId = (repo.id ?? repo.repo_id) as string;
    await call('g8_scan_repo', {
      repo_id: repoId,
      tech_stack: { framework: 'nextjs', language: 'typescript' },
      product_type: 'b2b_saas',
    });
    await call('g8_get_scan_results', { repo_id: repoId });
    await call('g8_status', { repo_id: repoId });
    await call('g8_install_spine', { repo_id: repoId });
    await call('g8_apply_install', { repo_id: repoId });
    const doctor = await call('g8_doctor', { repo_id: repoId });
    expect(doctor).toMatchObject({ has_scan: true, patch_set: { status: 'APPLIED' } });
    await call('g8_list_campaigns', { repo_id: link.repo_id });
    await call('g8_get_campaign', { repo_id: link.repo_id, campaign_id: link.campaign_id });
    await call('g8_search_kb', { repo_id: link.repo_id, query: 'pricing' });
    await call('g8_list_kb_documents', { repo_id: link.repo_id });
  });

  it('GTM mode', async () => {
    const ready = one(
      "SELECT id, audience_list_id FROM camp_campaigns WHERE org_id = ? AND status = 'active' LIMIT 1",
      org,
    );
    const doc = one('SELECT id FROM camp_documents WHERE campaign_id = ? LIMIT 1', ready.id);
    await call('g8_gtm_list_campaigns', {});
    await call('g8_gtm_get_campaign', { campaign_id: ready.id, full: true });
    await call('g8_get_campaign_document', { campaign_id: ready.id, document_id: doc.id });
    const created = await call('g8_create_campaign', {
      name: 'Binding test campaign',
      goal: 'Book demos',
      audience_list_id: String(ready.audience_list_id),
    });
    await call('g8_update_campaign', { campaign_id: created.id, goal: 'Book 20 demos' });
    await call('g8_launch_campaign', { campaign_id: ready.id, dry_run: true });
    await call('g8_launch_campaign', { campaign_id: ready.id });
    await call('g8_gtm_search_kb', { query: 'persona' });
    await call('g8_gtm_list_kb_documents', {});
  });

  it('covered every tool of the catalogue (and g8_whoami)', async () => {
    const who = await call('g8_whoami', {});
    expect(who).toMatchObject({ org_name: 'Acme Robotics', unrestricted: true, hidden_tools: [] });
    const { tools } = await session.client.listTools();
    expect(tools).toHaveLength(toolsForMode(catalogue, 'all').length + 1);
    expect([...called].sort()).toEqual(tools.map((t) => t.name).sort());
  });
});
