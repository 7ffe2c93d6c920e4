/**
 * The built `g8` on a pseudo-terminal, as a person at a shell uses it: the confirmation prompt
 * answered both ways (and checked against the sandbox's state), the human table view, the spinner
 * for a call over a second, and the progress line of a polled job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { type PtyResult, runG8, runG8InPty } from '../helpers/pty.js';
import { type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';

type Json = Record<string, unknown>;

let sandbox: SandboxHandle;
let env: Record<string, string>;
const outputs: string[] = [];

function track(result: PtyResult): PtyResult {
  outputs.push(result.rawTerminal, result.stdout);
  return result;
}

async function json<T = Json>(args: string[]): Promise<T> {
  const result = await runG8(args, env);
  outputs.push(result.stdout, result.stderr);
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dbPath: ':memory:', log: () => {} });
  env = { G8_API_URL: sandbox.url, G8_API_KEY: sandbox.demoKey };
});

afterAll(async () => {
  await sandbox?.close();
  for (const text of outputs) expect(text).not.toContain(sandbox.demoKey);
});

describe('confirmation prompt on a terminal', () => {
  it('"n" cancels (exit 1, nothing sent); "y" runs it', async () => {
    const { items } = await json<{ items: Json[] }>(['sync-audience-list']);
    const id = String(items[0]?.id);

    const declined = track(
      await runG8InPty(['delete-audience-sync', '--config-id', id], {
        env,
        waitFor: 'Proceed? [y/N]',
        answer: 'n\r',
      }),
    );
    expect(declined.answered).toBe(true);
    expect(declined.code).toBe(1);
    // The same one-line summary an MCP client shows its user before a gated call.
    expect(declined.terminal).toContain(
      `g8 delete-audience-sync: Stop and remove an audience sync (config_id=${id})`,
    );
    expect(declined.terminal).toContain(
      'Stops and removes the sync for good; the audience stays on the ad platform.',
    );
    expect(declined.terminal).toContain('Cancelled; nothing was sent.');
    expect(declined.stdout).toBe('');
    expect(await json(['get-audience-sync', '--config-id', id])).toMatchObject({ id: Number(id) });

    const accepted = track(
      await runG8InPty(['delete-audience-sync', '--config-id', id], {
        env,
        waitFor: 'Proceed? [y/N]',
        answer: 'y\r',
      }),
    );
    expect(accepted.code).toBe(0);
    // stdout is a pipe here, so the result is JSON even though the prompt was on a terminal.
    expect(JSON.parse(accepted.stdout)).toMatchObject({ id: Number(id) });
    const gone = await runG8(['get-audience-sync', '--config-id', id], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('HTTP 404');
  });

  it('Enter alone is "no"; --yes skips the question', async () => {
    const lookup = ['lookup-company', '--domain', 'northwindlogistics.com'];
    const empty = track(await runG8InPty(lookup, { env, waitFor: 'Proceed? [y/N]', answer: '\r' }));
    expect(empty.code).toBe(1);
    expect(empty.terminal).toContain('about 1 credit when a company is found.');
    const yes = track(await runG8InPty([...lookup, '--yes'], { env }));
    expect(yes.code).toBe(0);
    expect(yes.terminal).not.toContain('Proceed?');
    expect(JSON.parse(yes.stdout)).toMatchObject({ found: true });
  });
});

describe('human output on a terminal', () => {
  it('a list is a table with a pagination line, a record is key/value lines', async () => {
    const list = track(await runG8InPty(['search-contacts', '--limit', '3'], { env, stdoutTty: true }));
    expect(list.code).toBe(0);
    const lines = list.terminal.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+FIRST_NAME\s+LAST_NAME\s+WORK_EMAIL/);
    expect(lines.slice(1, 4).every((l) => /^\d+\s+\S/.test(l))).toBe(true);
    expect(list.terminal).toContain('page 1 · 200 total');
    expect(list.terminal).not.toContain('{"');

    const one = track(await runG8InPty(['get-contact', '--contact-id', '101'], { env, stdoutTty: true }));
    expect(one.code).toBe(0);
    expect(one.terminal).toMatch(/^id\s+101$/m);
    expect(one.terminal).toMatch(/^company\.name\s+\S/m);

    const forced = track(
      await runG8InPty(['get-contact', '--contact-id', '101', '--json'], { env, stdoutTty: true }),
    );
    expect(JSON.parse(forced.terminal)).toMatchObject({ id: 101 });
  });
});

describe('waiting feedback on stderr', () => {
  let slow: RecordingServer;
  beforeAll(async () => {
    slow = await startRecordingServer();
  });
  afterAll(async () => {
    await slow.close();
  });

  it('shows a spinner only once a call has taken over a second', async () => {
    const slowEnv = { G8_API_URL: slow.url, G8_API_KEY: 'g8_test_spinnerKey0000000000000000' };
    slow.setHandler(async () => {
      await new Promise((r) => setTimeout(r, 1600));
      return { status: 200, body: { data: [{ id: 1, name: 'Slow Co' }] } };
    });
    const waited = track(await runG8InPty(['search-companies'], { env: slowEnv }));
    expect(waited.code).toBe(0);
    expect(waited.rawTerminal).toMatch(/⠋ g8 search-companies \(1s\)/);
    // The line is cleared before the result is printed.
    expect(waited.rawTerminal.endsWith('\r\u001b[K')).toBe(true);

    slow.setHandler(() => ({ status: 200, body: { data: [{ id: 1, name: 'Fast Co' }] } }));
    const quick = track(await runG8InPty(['search-companies'], { env: slowEnv }));
    expect(quick.code).toBe(0);
    expect(quick.rawTerminal).toBe('');
    expect(JSON.parse(quick.stdout)).toMatchObject({ items: [{ name: 'Fast Co' }] });
  });

  it('--wait follows an enrichment job with a progress line, then prints the finished job', async () => {
    const members = await json<{ items: { id: number }[] }>([
      'search-contacts',
      '--list-id',
      '501',
      '--limit',
      '2',
    ]);
    const ids = members.items.map((c) => c.id).join(',');
    const run = track(
      await runG8InPty(['enrich-contacts', '--contact-ids', ids, '--list-id', '501', '--yes', '--wait'], {
        env,
      }),
    );
    expect(run.code).toBe(0);
    // Each stage once, with the counts known so far (the same status line a task shows).
    expect(run.terminal).toMatch(/enrichment job [\w-]+: (queued|running)[^(]*\(\ds\)/);
    expect(run.terminal).toMatch(
      /enrichment job [\w-]+: completed, 2 of 2 contacts, \d+ enriched, \d+ not found \(\ds\)/,
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', total: 2, completed: 2 });
  });
});
