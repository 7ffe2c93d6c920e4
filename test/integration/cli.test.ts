/**
 * The built `g8` binary as a script runs it (pipes, no terminal) against a real sandbox: every
 * short form graph8 documents, help, JSON output, usage errors (exit 2), API errors (exit 1) and
 * the refusal to act unasked. No output may ever contain a key.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { MODES } from '../../src/catalogue/select.js';
import { commandsFor, RESERVED_FLAGS, UTILITY_COMMANDS } from '../../src/cli/commands.js';
import { VERSION } from '../../src/platform/version.js';
import { type PipeResult, runG8 } from '../helpers/pty.js';

type Json = Record<string, unknown>;
type Items = { items: Json[]; pagination?: Json };

let sandbox: SandboxHandle;
let env: Record<string, string>;
let restrictedKey = '';
const outputs: string[] = [];

async function g8(
  args: string[],
  extraEnv: Record<string, string> = {},
  stdin?: string,
): Promise<PipeResult> {
  const result = await runG8(args, { ...env, ...extraEnv }, stdin);
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** Runs a command that must succeed and returns its parsed JSON stdout. */
async function ok<T = Json>(args: string[], extraEnv: Record<string, string> = {}): Promise<T> {
  const result = await g8(args, extraEnv);
  expect(result.stderr, `g8 ${args.join(' ')}`).toBe('');
  expect(result.code, `g8 ${args.join(' ')}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dbPath: ':memory:', log: () => {} });
  env = { G8_API_URL: sandbox.url, G8_API_KEY: sandbox.demoKey };
  const minted = await fetch(`${sandbox.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.demoKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'cli test, contacts only', mode: 'test', scopes: ['contacts:read'] }),
  });
  expect(minted.status).toBe(201);
  restrictedKey = ((await minted.json()) as { data: { api_key_token: string } }).data.api_key_token;
});

afterAll(async () => {
  await sandbox?.close();
  for (const text of outputs) {
    expect(text).not.toContain(sandbox.demoKey);
    if (restrictedKey) expect(text).not.toContain(restrictedKey);
  }
});

describe('version, help and the catalogue', () => {
  it('every tool of every mode is one command whose flags are exactly its fields', () => {
    for (const mode of MODES) {
      const commands = commandsFor(mode);
      const names = commands.flatMap((c) => [c.name, ...c.aliases]);
      expect(new Set(names).size, `duplicate command names in mode ${mode}`).toBe(names.length);
      for (const command of commands) {
        expect(UTILITY_COMMANDS).not.toContain(command.name);
        expect(command.flags.map((f) => f.field).sort()).toEqual(
          Object.keys(command.tool.spec.input.shape).sort(),
        );
        // A field named like a CLI switch would be unreachable (`--mode` is handled by position).
        for (const flag of command.flags) expect(RESERVED_FLAGS).not.toContain(flag.flag);
      }
    }
  });

  it('prints the package version', async () => {
    const result = await g8(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('top-level --help lists every command of the mode and the short forms, without a key', async () => {
    const result = await g8(['--help'], { G8_API_KEY: '' });
    expect(result.code).toBe(0);
    const { items } = await ok<Items>(['tools', '--json']);
    expect(items).toHaveLength(commandsFor('all').length);
    for (const item of items) expect(result.stdout).toContain(`    ${String(item.command)} `);
    for (const short of [
      'scan = scan-repo',
      'inbox-list = list-inbox',
      'sync-crm-push = push-to-crm-contact',
    ]) {
      expect(result.stdout).toContain(short);
    }
    expect(result.stdout).toMatch(/Exit codes: 0 success, 1 .*, 2 usage error/);
  });

  it('per-command --help shows flags from the schema: types, choices, required, defaults, aliases', async () => {
    const inbox = await g8(['inbox-list', '--help'], { G8_API_KEY: '' });
    expect(inbox.code).toBe(0);
    expect(inbox.stdout).toContain('g8 list-inbox — List inbox');
    expect(inbox.stdout).toMatch(/--channel email\|sms\|linkedin\s+Only this channel/);
    expect(inbox.stdout).toMatch(/--page-size, --limit N\s+Page size \(default 25\)/);
    const send = await g8(['help', 'inbox-send']);
    expect(send.stdout).toContain(
      'Usage: g8 send-reply --reply-id TEXT --body TEXT --channel email|sms|linkedin',
    );
    expect(send.stdout).toMatch(/external: asks for confirmation/);
    const create = await g8(['create-sequence', '-h']);
    expect(create.stdout).toMatch(/--finish-on-reply\s+Stop for a contact .*--no-finish-on-reply/s);
    expect(create.stdout).toMatch(/--steps JSON\s+Steps in order/);
  });

  it('g8 tools follows --mode: GTM names are gtm-* in all mode and plain in gtm mode', async () => {
    const all = await ok<{ mode: string; items: Json[] }>(['tools']);
    expect(all.mode).toBe('all');
    expect(all.items.find((t) => t.command === 'gtm-list-campaigns')).toMatchObject({
      tool: 'g8_gtm_list_campaigns',
    });
    expect(all.items.find((t) => t.command === 'list-inbox')).toMatchObject({ aliases: ['inbox-list'] });
    const gtm = await ok<{ items: Json[] }>(['tools', '--mode', 'gtm']);
    expect(gtm.items.find((t) => t.command === 'list-campaigns')).toMatchObject({
      tool: 'g8_list_campaigns',
      title: 'List campaigns',
    });
    expect(gtm.items.some((t) => t.command === 'status')).toBe(false);
    const viaEnv = await ok<{ mode: string; items: Json[] }>(['tools'], { G8_MCP_MODE: 'dev' });
    expect(viaEnv.mode).toBe('dev');
    expect(viaEnv.items).toHaveLength(commandsFor('dev').length);
  });
});

describe('the short forms graph8 documents', () => {
  it('status, scan and doctor --repo-id', async () => {
    const repo = await ok([
      'connect-repo',
      '--repo-url',
      'https://github.com/acme/site',
      '--repo-name',
      'acme/site',
    ]);
    const repoId = String(repo.id);
    expect(await ok(['status', '--repo-id', repoId])).toMatchObject({ id: repoId, status: 'connected' });
    const scan = await ok([
      'scan',
      '--repo-id',
      repoId,
      '--tech-stack',
      '{"framework":"next","language":"typescript"}',
      '--api-routes',
      '{"method":"GET","path":"/api/health"}',
      '--yes',
    ]);
    expect(scan).toMatchObject({ repo_id: repoId, tech_stack: { framework: 'next' } });
    const doctor = await ok(['doctor', '--repo-id', repoId]);
    expect(doctor).toMatchObject({ repo_id: repoId, has_scan: true, connected: true });
  });

  it('create-sequence --name --steps, then sequence-analytics and pause-sequence --sequence-id', async () => {
    const created = await ok([
      'create-sequence',
      '--name',
      'CLI launch follow-up',
      '--user-email',
      'maya.chen@acmerobotics.com',
      '--steps',
      '[{"step_order":1,"step_type":"EMAIL","step_data":{"subject":"Hi {{first_name}}","body":"Hello"}}]',
      '--yes',
    ]);
    expect(created).toMatchObject({ name: 'CLI launch follow-up', status: 'drafted' });
    const preview = await ok(['get-sequence-preview', '--sequence-id', String(created.id)]);
    expect(preview).toMatchObject({ id: created.id });

    const live = await liveSequenceId();
    const analytics = await ok(['sequence-analytics', '--sequence-id', live]);
    expect(analytics).toMatchObject({ sequence_id: live });
    expect(analytics.overview).toBeTypeOf('object');
    const paused = await ok(['pause-sequence', '--sequence-id', live, '--yes']);
    expect(paused).toMatchObject({ sequence_id: live, status: 'paused' });
  });

  it('inbox-list --channel email --limit 20, inbox-draft and inbox-send --reply-id', async () => {
    const list = await ok<Items>(['inbox-list', '--channel', 'email', '--limit', '20']);
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.length).toBeLessThanOrEqual(20);
    expect(list.items.every((t) => t.channel === 'email')).toBe(true);
    expect(list.pagination).toMatchObject({ limit: 20 });
    const thread = list.items[0] as Json & { id: string; contact: { email: string } };
    // Answer from the mailbox our side wrote from, as a user reading the thread would.
    const full = await ok<{ messages: { from_address: string; responder: string }[] }>([
      'get-reply',
      '--reply-id',
      thread.id,
    ]);
    const ours = full.messages.find((m) => m.responder === 'USER');
    expect(ours).toBeDefined();

    const draft = await ok(['inbox-draft', '--reply-id', thread.id, '--yes']);
    expect(draft.content).toBeTypeOf('string');
    const sent = await ok([
      'inbox-send',
      '--reply-id',
      thread.id,
      '--channel',
      'email',
      '--body',
      '<p>Thanks, the pricing sheet is attached.</p>',
      '--to',
      thread.contact.email,
      '--from-address',
      String(ours?.from_address),
      '--yes',
    ]);
    expect(sent).toMatchObject({ status: 'sent', channel: 'email' });
  });

  it('sync-audience-list and sync-audience-trigger --config-id (with --wait)', async () => {
    const syncs = await ok<Items>(['sync-audience-list']);
    const active = syncs.items.find((s) => s.is_active === true);
    expect(active).toBeDefined();
    const started = await ok(['sync-audience-trigger', '--config-id', String(active?.id), '--yes']);
    expect(started).toMatchObject({ config_id: active?.id, status: 'queued' });

    // A second active sync, since the first now has a run in progress (409 until it settles).
    const other = syncs.items.find((s) => s.is_active === true && s.id !== active?.id);
    expect(other).toBeDefined();
    const run = await ok(['sync-audience-trigger', '--config-id', String(other?.id), '--yes', '--wait']);
    expect(run).toMatchObject({ config_id: other?.id, status: 'completed', trigger: 'manual' });
  });

  it("sync-crm-push --provider hubspot --records '[…]'", async () => {
    const pushed = await ok([
      'sync-crm-push',
      '--provider',
      'hubspot',
      '--records',
      '[{"work_email":"ada@acme.test","first_name":"Ada","last_name":"Lovelace"}]',
      '--yes',
    ]);
    expect(pushed).toMatchObject({ provider: 'hubspot', entity: 'contacts', pushed: 1, failed: 0 });
  });
});

/** A live sequence, found the way a user would: from inbox threads, checked with the preview. */
async function liveSequenceId(): Promise<string> {
  const threads = await ok<Items>(['inbox-list', '--page-size', '100']);
  const ids = [
    ...new Set(threads.items.map((t) => t.sequence_id).filter((s): s is string => typeof s === 'string')),
  ];
  for (const id of ids) {
    const preview = await ok(['get-sequence-preview', '--sequence-id', id]);
    if (preview.status === 'live') return id;
  }
  throw new Error('the sandbox has no live sequence referenced by an inbox thread');
}

describe('output', () => {
  it('prints the tool result as JSON when piped, and with --json', async () => {
    const piped = await ok<Items>(['search-contacts', '--limit', '3']);
    expect(piped.items).toHaveLength(3);
    expect(piped.pagination).toMatchObject({ limit: 3, total: 200 });
    const explicit = await ok<Items>([
      '--json',
      'search-contacts',
      '--country',
      'Netherlands',
      '--limit',
      '5',
    ]);
    expect(explicit.items.every((c) => c.country === 'Netherlands')).toBe(true);
  });

  it('takes arrays as repeated flags, comma lists or JSON, and booleans as switches', async () => {
    const members = await ok<Items>(['search-contacts', '--list-id', '501', '--limit', '3']);
    const [a, b] = members.items.map((c) => Number(c.id));
    for (const ids of [
      ['--contact-ids', `${a},${b}`],
      ['--contact-ids', String(a), '--contact-ids', String(b)],
      ['--contact-ids', `[${a},${b}]`],
    ]) {
      const preview = await ok(['enrich-contacts', ...ids, '--list-id', '501', '--dry-run']);
      expect(preview).toMatchObject({ dry_run: true, contact_ids: [a, b], contact_count: 2 });
    }
    const contact = await ok(['get-contact', '--contact-id', String(a), '--include-suppression']);
    expect(contact.suppression).toBeTypeOf('object');
  });

  it('whoami shows org, key mode and scopes, and what a restricted key cannot run', async () => {
    const full = await ok(['whoami']);
    expect(full).toMatchObject({ unrestricted: true, cli_mode: 'all', cannot_run: [] });
    expect(full.org_name).toBeTypeOf('string');
    const limited = await ok<Json & { cannot_run: { command: string; missing: string[] }[] }>(['whoami'], {
      G8_API_KEY: restrictedKey,
    });
    expect(limited).toMatchObject({ unrestricted: false, scopes: ['contacts:read'] });
    const blocked = limited.cannot_run.map((g) => g.command);
    expect(blocked).toContain('send-reply');
    expect(blocked).not.toContain('search-contacts');
    expect(limited.cannot_run.find((g) => g.command === 'get-sequence-analytics')?.missing).toEqual([
      'sequences:read',
    ]);
  });
});

describe('usage errors exit 2 and send nothing', () => {
  it('names the valid flags for an unknown one', async () => {
    const result = await g8(['search-contacts', '--emial', 'ada@acme.test']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unknown flag --emial for g8 search-contacts (did you mean --email?)');
    expect(result.stderr).toContain('Valid flags: --email, --name, --list-id');
  });

  it('reports missing required flags, bad numbers and bad choices by flag name', async () => {
    const missing = await g8(['pause-sequence']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('pause-sequence: --sequence-id is required');
    const number = await g8(['sync-audience-trigger', '--config-id', 'abc', '--yes']);
    expect(number.code).toBe(2);
    expect(number.stderr).toContain('--config-id expects a whole number, got "abc"');
    const choice = await g8(['inbox-list', '--channel', 'fax']);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain('--channel must be one of email, sms, linkedin');
    const range = await g8(['search-contacts', '--limit', '500']);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/--limit: .*200/);
  });

  it('unknown commands get a suggestion; commands of another mode say which', async () => {
    const typo = await g8(['serch-contacts']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command "serch-contacts" (did you mean search-contacts?)');
    const wrongMode = await g8(['--mode', 'gtm', 'status', '--repo-id', 'repo_x']);
    expect(wrongMode.code).toBe(2);
    expect(wrongMode.stderr).toContain('g8 status is not a command in mode gtm');
    const badMode = await g8(['tools', '--mode', 'everything']);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('dev, gtm, all');
  });

  it('a missing or JWT-shaped key stops before any request', async () => {
    const none = await g8(['search-contacts'], { G8_API_KEY: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('G8_API_KEY is not set');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXZhbHVl';
    const refused = await g8(['search-contacts'], { G8_API_KEY: jwt });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('JWT token provided instead of API key');
    expect(refused.stderr).not.toContain(jwt);
  });

  it('refuses a destructive, billable or external command without a terminal unless --yes', async () => {
    const syncs = await ok<Items>(['sync-audience-list']);
    const id = String(syncs.items[0]?.id);
    const refused = await g8(['delete-audience-sync', '--config-id', id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no terminal to confirm it on');
    expect(refused.stderr).toContain('Pass --yes');
    // Nothing was sent: the sync is still there.
    expect(await ok(['get-audience-sync', '--config-id', id])).toMatchObject({ id: Number(id) });
    const billable = await g8(['lookup-company', '--domain', 'acme.test']);
    expect(billable.code).toBe(2);
  });

  it('--dry-run needs no confirmation because it acts on nothing', async () => {
    const preview = await ok(['enrich-contacts', '--contact-ids', '101', '--list-id', '501', '--dry-run']);
    expect(preview).toMatchObject({ dry_run: true });
  });
});

describe('API errors exit 1 with the MCP tools’ actionable message on stderr', () => {
  it('404 for an id that does not exist', async () => {
    const result = await g8(['get-contact', '--contact-id', '999999']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^g8: Contact not found \(HTTP 404\)$/m);
    // The hint names the command that finds the id, not the MCP tool.
    expect(result.stderr).toContain(
      'hint: `contact_id` names no record in this org: find the right contact_id with `g8 search-contacts`.',
    );
    expect(result.stderr).toMatch(/request id: req_\w+/);
  });

  it('403 names the missing scope for a restricted key', async () => {
    const result = await g8(['sequence-analytics', '--sequence-id', 'seq_anything'], {
      G8_API_KEY: restrictedKey,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing scope: sequences:read');
    expect(result.stderr).toContain('hint: The API key lacks scope sequences:read');
  });

  it('409 from the state of the record, and the error as JSON with --json', async () => {
    const created = await ok([
      'create-sequence',
      '--name',
      'Draft only',
      '--user-email',
      'maya.chen@acmerobotics.com',
      '--yes',
    ]);
    const result = await g8(['pause-sequence', '--sequence-id', String(created.id), '--yes', '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const body = JSON.parse(result.stderr) as { error: Json };
    expect(body.error).toMatchObject({ status: 409, retryable: false });
    expect(body.error).toMatchObject({ code: 'conflict', type: 'conflict' });
    expect(String(body.error.hint)).toContain(
      'The current state of the record does not allow `g8_pause_sequence` now',
    );
  });

  it('401 for a key the API does not know', async () => {
    const result = await g8(['search-contacts'], {
      G8_API_KEY: 'g8_test_thisKeyDoesNotExistAnywhere0000000000',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('hint: The API key was refused: check G8_API_KEY');
    expect(result.stderr).not.toContain('thisKeyDoesNotExistAnywhere');
  });

  it('a tool’s own argument rule is a usage error (exit 2), as in the MCP server', async () => {
    const result = await g8(['update-sequence', '--sequence-id', 'seq_x', '--dry-run', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('dry_run: only used with remove_linkedin=true');
  });
});

describe('shell completion', () => {
  const run = promisify(execFile);

  it('bash completes commands, flags and enum values', async () => {
    const script = await g8(['completion', 'bash']);
    expect(script.code).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'g8-completion-')), 'g8.bash');
    writeFileSync(file, script.stdout);
    const complete = async (...words: string[]) => {
      const array = words.map((w) => `'${w}'`).join(' ');
      const { stdout } = await run('bash', [
        '-c',
        `source '${file}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _g8; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ]);
      return stdout.trim().split('\n');
    };
    expect(await complete('g8', 'inbox-')).toEqual(['inbox-list', 'inbox-draft', 'inbox-send']);
    expect(await complete('g8', 'inbox-list', '--li')).toEqual(['--limit']);
    expect(await complete('g8', 'inbox-list', '--channel', '')).toEqual(['email', 'sms', 'linkedin']);
    expect(await complete('g8', '--mode', 'gtm', 'sync-crm-push', '--provider', 'h')).toEqual(['hubspot']);
  });

  it('zsh script is produced, and parses when zsh is installed', async () => {
    const script = await g8(['completion', 'zsh']);
    expect(script.code).toBe(0);
    expect(script.stdout.startsWith('#compdef g8\n')).toBe(true);
    expect(script.stdout).toContain("'inbox-list:List inbox'");
    const zsh = await run('sh', ['-c', 'command -v zsh || true']);
    if (zsh.stdout.trim()) {
      const file = join(mkdtempSync(join(tmpdir(), 'g8-completion-')), '_g8');
      writeFileSync(file, script.stdout);
      await expect(run('zsh', ['-n', file])).resolves.toBeDefined();
    }
    const wrong = await g8(['completion', 'fish']);
    expect(wrong.code).toBe(2);
  });
});
