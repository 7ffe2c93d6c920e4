/**
 * The audit trail through the built remote server (`g8-mcp-server --http`) in front of the
 * sandbox: one record per tool call and per confirmation answer, with who, which client, the
 * outcome, graph8's status and request id, how it was approved, and the arguments only as a
 * redacted summary and a hash. Read back through GET /audit/records, which shows an org its own
 * records only, to its admins only. Old records are purged at start past the retention.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { openSqliteAuditStore } from '../../src/audit/sqlite-store.js';
import { canonical } from '../../src/mcp/confirmation.js';
import { allRecords, auditRecords, keyOf, orgIds } from '../helpers/audit.js';
import { type RemoteProcess, spawnRemote } from '../helpers/http-process.js';
import { httpRaw } from '../helpers/modern-raw.js';
import { runG8, runG8InPty } from '../helpers/pty.js';
import { emailReply, enrichArgs } from '../helpers/sandbox-picks.js';

const ELICIT = { elicitation: { form: {} } };
const DAY_MS = 86_400_000;

let dir: string;
let sandbox: SandboxHandle;
let server: RemoteProcess;
let orgs: { demo: string; other: string };

/** A record written long before the retention, straight into audit.db, before the server starts. */
async function seedOldRecord(dataDir: string, orgId: string): Promise<void> {
  const store = await openSqliteAuditStore(dataDir);
  const at = Date.now() - 2 * DAY_MS;
  await store.append([
    {
      id: 'old-record',
      at,
      kind: 'call',
      orgId,
      principal: 'key:old',
      principalKind: 'api_key',
      keyId: null,
      user: null,
      clientName: 'old client',
      clientVersion: '0',
      tool: 'g8_search_contacts',
      tier: 'read',
      argsSummary: '{}',
      argsSha256: '0'.repeat(64),
      outcome: 'ok',
      httpStatus: 200,
      requestId: null,
      durationMs: 1,
      approval: 'not_gated',
      taskId: null,
    },
  ]);
  await store.close();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g8-audit-'));
  sandbox = await startSandbox({ port: 0, dbPath: join(dir, 'sandbox.db'), log: () => {} });
  orgs = orgIds(sandbox.db);
  await seedOldRecord(join(dir, 'data'), orgs.demo);
  server = await spawnRemote({
    G8_API_URL: sandbox.url,
    G8_DATA_DIR: join(dir, 'data'),
    G8_PACE: 'off',
    G8_DISCOVERY: 'off',
    G8_AUDIT_RETENTION_DAYS: '1',
  });
});

afterAll(async () => {
  await server?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Records reach the store within a moment of the answer (the writer batches every 250 ms). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('audit records of tool calls', () => {
  it('records each call with its outcome, approval, status, request id and client, never the key or the text', async () => {
    const key = sandbox.demoKey;
    const client = httpRaw(server.url, key);
    const ok = await client.request('tools/call', {
      name: 'g8_search_contacts',
      arguments: { name: 'Ada Lovelace secret-name', limit: 2 },
    });
    expect(ok.response.result?.isError).toBeFalsy();
    const missing = await client.request('tools/call', {
      name: 'g8_get_contact',
      arguments: { contact_id: 999999 },
    });
    expect(missing.response.result?.isError).toBe(true);
    const invalid = await client.request('tools/call', {
      name: 'g8_search_contacts',
      arguments: { limit: 'x' },
    });
    expect(invalid.response.result?.isError).toBe(true);

    // A gated call: the preview (asked), then confirm: true with the preview's confirmation_token.
    const reply = emailReply(sandbox.db, 'Private reply text that must not be kept');
    const preview = await client.request('tools/call', { name: 'g8_send_reply', arguments: reply });
    expect(preview.response.result?.structuredContent).toMatchObject({ confirmation_required: true });
    const token = (preview.response.result?.structuredContent as { confirmation_token?: string } | undefined)
      ?.confirmation_token;
    const sent = await client.request('tools/call', {
      name: 'g8_send_reply',
      arguments: { ...reply, confirm: true, confirmation_token: token },
    });
    expect(sent.response.result?.isError, JSON.stringify(sent.response)).toBeFalsy();

    // Through elicitation: asked, then accepted (the answer runs the call) and declined.
    const elicited = emailReply(sandbox.db, 'Another private reply');
    const ask = async () =>
      (
        (
          await client.request(
            'tools/call',
            { name: 'g8_send_reply', arguments: elicited },
            { capabilities: ELICIT },
          )
        ).response.result as { requestState: string }
      ).requestState;
    const answer = (state: string, action: string) =>
      client.request(
        'tools/call',
        {
          name: 'g8_send_reply',
          arguments: elicited,
          inputResponses: {
            confirm: { action, ...(action === 'accept' ? { content: { confirm: true } } : {}) },
          },
          requestState: state,
        },
        { capabilities: ELICIT },
      );
    const accepted = await answer(await ask(), 'accept');
    expect(accepted.response.result?.isError, JSON.stringify(accepted.response)).toBeFalsy();
    await answer(await ask(), 'decline');

    const records = await eventually(
      () => allRecords(server.publicUrl, key),
      (r) => r.length >= 9,
    );
    const of = (tool: string) => records.filter((r) => r.tool === tool).reverse(); // oldest first
    const search = of('g8_search_contacts');
    expect(search.map((r) => r.outcome)).toEqual(['ok', 'refused']);
    expect(search[0]).toMatchObject({
      kind: 'call',
      org_id: orgs.demo,
      principal_kind: 'api_key',
      client_name: 'raw-2026',
      client_version: '1.0.0',
      tier: 'read',
      http_status: 200,
      approval: 'not_gated',
      request_id: expect.stringMatching(/^req_/),
    });
    expect(search[0].principal).toMatch(/^key:key_/);
    expect(search[0].key_id).toBe(search[0].principal.slice(4));
    // The name is masked; the limit (a number) is kept; the hash is of the exact arguments.
    expect(JSON.parse(search[0].args_summary)).toEqual({ name: '[24 chars]', limit: 2 });
    const args = { name: 'Ada Lovelace secret-name', limit: 2 };
    expect(search[0].args_sha256).toBe(createHash('sha256').update(canonical(args)).digest('hex'));

    expect(of('g8_get_contact')[0]).toMatchObject({ outcome: 'tool_error', http_status: 404 });
    expect(of('g8_send_reply').map((r) => [r.outcome, r.approval])).toEqual([
      ['asked', 'not_gated'],
      ['ok', 'token'],
      ['asked', 'not_gated'],
      ['ok', 'elicitation'],
      ['asked', 'not_gated'],
      ['declined', 'elicitation'],
    ]);
    const text = JSON.stringify(records);
    for (const secret of [key, 'Ada Lovelace', 'Private reply text', 'Another private reply']) {
      expect(text).not.toContain(secret);
    }
    expect(server.stderr()).not.toContain(key);
  });

  it('the filters narrow what is returned; a bad filter is a 400 naming it', async () => {
    const key = sandbox.demoKey;
    const errors = await allRecords(server.publicUrl, key, { outcome: 'tool_error' });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((r) => r.outcome === 'tool_error')).toBe(true);
    const replies = await allRecords(server.publicUrl, key, { tool: 'g8_send_reply', since: '1h' });
    expect(replies.length).toBe(6);
    const none = await allRecords(server.publicUrl, key, { until: '2000-01-01' });
    expect(none).toEqual([]);
    const bad = await auditRecords(server.publicUrl, key, { since: 'yesterday-ish' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_description).toMatch(/^from: expected a date/);
  });
});

describe('who reads the trail', () => {
  it('another org sees none of these records; a member key is refused; no credential is a 401 challenge', async () => {
    const otherAdmin = keyOf(sandbox.db, orgs.other);
    const theirs = await auditRecords(server.publicUrl, otherAdmin);
    expect(theirs.status).toBe(200);
    expect(theirs.body).toMatchObject({ org_id: orgs.other, total: 0, records: [] });
    // Even naming our tool and a wide range changes nothing.
    const probe = await auditRecords(server.publicUrl, otherAdmin, {
      tool: 'g8_search_contacts',
      since: '3650d',
    });
    expect(probe.body.total).toBe(0);

    const member = keyOf(sandbox.db, orgs.demo, ['contacts:read', 'account:read']);
    const refused = await auditRecords(server.publicUrl, member);
    expect(refused.status).toBe(403);
    expect(refused.body.error_description).toMatch(/account:write/);

    const anonymous = await auditRecords(server.publicUrl, undefined);
    expect(anonymous.status).toBe(401);
    const forged = await auditRecords(server.publicUrl, 'g8_test_notarealkey00000000000000');
    expect(forged.status).toBe(401);
  });
});

describe('g8 audit', () => {
  it('--json reads the trail through the endpoint, with --since and --tool', async () => {
    const result = await runG8(
      ['audit', '--json', '--since', '1h', '--tool', 'g8_send_reply', '--server', server.publicUrl],
      { G8_API_KEY: sandbox.demoKey },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ org_id: orgs.demo, total: 6 });
    expect(body.records.map((r: { tool: string }) => r.tool)).toEqual(Array(6).fill('g8_send_reply'));
    expect(body.records[0].outcome).toBe('declined');
    expect(result.stdout).not.toContain(sandbox.demoKey);
  });

  it('G8_SERVER_URL stands for --server; a member key fails with a hint; no server is a usage error', async () => {
    // On a terminal: a table, newest first.
    const table = await runG8InPty(['audit', '--limit', '3'], {
      env: { G8_API_KEY: sandbox.demoKey, G8_SERVER_URL: server.publicUrl },
      stdoutTty: true,
    });
    expect(table.code).toBe(0);
    const lines = table.terminal.trim().split('\n');
    expect(lines[0]).toMatch(/^Audit trail of Acme Robotics .*: 3 of \d+ records, newest first$/);
    expect(lines[1]).toMatch(/^TIME\s+TOOL\s+OUTCOME\s+APPROVAL/);
    expect(lines[2]).toMatch(/g8_send_reply\s+declined\s+elicitation/);

    const member = keyOf(sandbox.db, orgs.demo, ['contacts:read']);
    const refused = await runG8(['audit', '--server', server.publicUrl], { G8_API_KEY: member });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /account:write \(an org admin's\)\. \(HTTP 403\)\nhint: Use an org admin key/,
    );

    const nowhere = await runG8(['audit'], { G8_API_KEY: sandbox.demoKey });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/--server .*G8_SERVER_URL/);
  });
});

describe('retention', () => {
  it('records older than G8_AUDIT_RETENTION_DAYS are purged (here: at start, with 1 day)', async () => {
    const records = await allRecords(server.publicUrl, sandbox.demoKey, { since: '3650d' });
    expect(records.length).toBeGreaterThan(0);
    expect(records.some((r) => r.id === 'old-record' || r.client_name === 'old client')).toBe(false);
    expect(server.stderr()).toMatch(/"removed":1,"retention_days":1.*audit records purged/);
  });
});

describe('a call that becomes an MCP task', () => {
  it("is recorded as task_created, and the task's end as a task record with the same id", async () => {
    const tasks = { extensions: { 'io.modelcontextprotocol/tasks': {} } };
    const client = httpRaw(server.url, sandbox.demoKey);
    const enrich = enrichArgs(sandbox.db, 2);
    const preview = await client.request('tools/call', { name: 'g8_enrich_contacts', arguments: enrich });
    const token = (preview.response.result?.structuredContent as { confirmation_token?: string } | undefined)
      ?.confirmation_token;
    const created = await client.request(
      'tools/call',
      { name: 'g8_enrich_contacts', arguments: { ...enrich, confirm: true, confirmation_token: token } },
      { capabilities: tasks },
    );
    const taskId = (created.response.result as { taskId?: string }).taskId as string;
    expect(taskId, JSON.stringify(created.response)).toBeTruthy();
    // The preview's own record (asked) aside: the task's two.
    const records = (
      await eventually(
        () => allRecords(server.publicUrl, sandbox.demoKey, { tool: 'g8_enrich_contacts' }),
        (r) => r.filter((x) => x.task_id === taskId).length >= 2,
        20_000,
      )
    ).filter((r) => r.task_id === taskId);
    expect(records.map((r) => [r.kind, r.outcome, r.approval, r.task_id]).reverse()).toEqual([
      ['call', 'task_created', 'token', taskId],
      ['task', 'ok', 'token', taskId],
    ]);
    expect(records[0].http_status).toBe(202); // the task record: the job was accepted, then followed to its end
    expect(records[0].duration_ms).toBeGreaterThan(0);
  });
});
