/**
 * `g8-mcp-server migrate-state`: one machine's sign-ins (SQLite, credentials sealed with the secret
 * it generated) copied into PostgreSQL by the built command, then served by a server on PostgreSQL
 * with a shared G8_MCP_SECRET: the user's old tokens still work there, and refresh.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sealer } from '../../src/auth/crypto.js';
import { type Engines, freshEngines } from '../helpers/engines.js';
import { initialize, tokenRequest, tokensViaApiKey } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';

let engines: Engines;
let stack: Stack;

beforeAll(async () => {
  engines = await freshEngines();
  stack = await startStack({ noUpstream: true });
});

afterAll(async () => {
  await stack?.close();
  await engines?.drop();
});

function migrate(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/bundle/main.js', 'migrate-state', '--data-dir', stack.dataDir],
      { env: { PATH: process.env.PATH, G8_LOG_LEVEL: 'silent', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('migrate-state', () => {
  it('copies clients, grants and live tokens once the single machine stops; the user stays signed in on the PostgreSQL server', async () => {
    const embedded = stack.remote;
    const t = await tokensViaApiKey(embedded.publicUrl, stack.sandbox.demoKey);
    const env = {
      G8_DATABASE_URL: engines.databaseUrl,
      G8_MCP_SECRET: engines.env.G8_MCP_SECRET as string,
    };
    // The single machine still runs: it holds oauth.db, and is named, not copied under its feet.
    const busy = await migrate(env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(
      new RegExp(`^g8-mcp-server: .*oauth\\.db is in use by process ${process.pid} on .*Stop that process`),
    );
    await embedded.close();
    const first = await migrate(env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'Copied into PostgreSQL: 1 clients, 1 grants, 2 tokens (rows already there were left as they were).\n',
    );
    // Again: nothing new, nothing duplicated.
    expect((await migrate(env)).stdout).toMatch(/: 0 clients, 0 grants, 0 tokens/);

    // The credential was re-sealed with the shared secret (the machine had generated its own).
    const [grant] = await engines.query<{ id: string; credential: string }>(
      'SELECT id, credential FROM grants',
    );
    const opened = new Sealer(Buffer.from(env.G8_MCP_SECRET)).open(grant!.credential, `grant:${grant!.id}`);
    expect(JSON.parse(opened)).toEqual({ kind: 'api_key', key: stack.sandbox.demoKey });

    const replica = await stack.restart({ ...engines.env, G8_PUBLIC_URL: embedded.publicUrl });
    const url = `http://127.0.0.1:${replica.port}`;
    expect((await initialize(`${url}/mcp`, { authorization: `Bearer ${t.access_token}` })).status).toBe(200);
    const refreshed = await tokenRequest(url, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.clientId,
    });
    expect(refreshed.status).toBe(200);
  });

  it('refuses clearly without G8_DATABASE_URL or G8_MCP_SECRET, and never prints the password', async () => {
    const noUrl = await migrate({ G8_MCP_SECRET: 'y'.repeat(40) });
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toBe('g8-mcp-server: G8_DATABASE_URL is not set: where should the state go?\n');
    const noSecret = await migrate({ G8_DATABASE_URL: engines.databaseUrl });
    expect(noSecret.stderr).toMatch(/^g8-mcp-server: G8_MCP_SECRET is not set/);
    const down = await migrate({
      G8_MCP_SECRET: 'y'.repeat(40),
      G8_DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:1/x',
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^g8-mcp-server: PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/x cannot be used/,
    );
    expect(down.stderr).not.toContain('hunter2');
  });
});
