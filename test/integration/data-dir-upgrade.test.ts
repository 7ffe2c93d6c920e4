/**
 * Upgrading a data directory made by release 0.1.0 (test/fixtures/data-dir-v0.1.0, written by that
 * release's own code with better-sqlite3 in WAL mode and no schema versions): the stores open it
 * with today's engine, number and migrate each file, and lose nothing. The registered client, the
 * grant and its tokens still work through the real TokenService and CredentialVault, and the
 * access token opens /mcp on a real remote server started on the directory; the tasks and the
 * audit rows read back whole.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteAuditStore } from '../../src/audit/sqlite-store.js';
import { CredentialVault } from '../../src/auth/credentials.js';
import { Sealer } from '../../src/auth/crypto.js';
import { loadServerSecret } from '../../src/auth/secret.js';
import { AUTH_MIGRATIONS, openSqliteAuthStore } from '../../src/auth/sqlite-store.js';
import { TokenService } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config/load.js';
import { openSqliteTaskStore, TASK_MIGRATIONS } from '../../src/mcp/tasks/sqlite-store.js';
import { startRemoteServer } from '../../src/remote/server.js';
import { openSqlite } from '../../src/stores/sqlite.js';
import { catalogue } from '../../tools/index.js';
import { initialize } from '../helpers/http-consent.js';

const FIXTURE = new URL('../fixtures/data-dir-v0.1.0/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8')) as {
  resource: string;
  clientId: string;
  grantId: string;
  accessToken: string;
  refreshToken: string;
  scopes: string[];
  apiKey: string;
  tasks: string[];
  audit: string[];
  orgId: string;
};
const dirs: string[] = [];
const quiet = { warn() {}, info() {}, error() {} };

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the 0.1.0 directory with the modes a real one has (git keeps neither 0700 nor 0600). */
function copyOfRelease(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'g8-upgrade-')), 'data');
  dirs.push(dir);
  mkdirSync(dir, { mode: 0o700 });
  for (const f of ['oauth.db', 'tasks.db', 'audit.db', 'mcp-secret']) {
    cpSync(join(FIXTURE, f), join(dir, f));
    chmodSync(join(dir, f), 0o600);
  }
  return dir;
}

function headerByte18(file: string): number | undefined {
  return readFileSync(file)[18];
}

function tokenService(store: Awaited<ReturnType<typeof openSqliteAuthStore>>) {
  return new TokenService(
    store,
    { canonicalResource: manifest.resource, accessTtlMs: 3_600_000, refreshTtlMs: 86_400_000 },
    quiet,
  );
}

describe('a 0.1.0 data directory', () => {
  it('was written in WAL mode without a schema version (the fixture is what 0.1.0 made)', () => {
    for (const f of ['oauth.db', 'tasks.db', 'audit.db']) expect(headerByte18(join(FIXTURE, f))).toBe(2);
  });

  it('keeps its client, grant and tokens: the access token verifies, the credential opens, the refresh works', async () => {
    const dir = copyOfRelease();
    const store = await openSqliteAuthStore(dir);
    try {
      expect((await store.getClient(manifest.clientId))?.redirect_uris).toEqual([
        'http://127.0.0.1:33418/callback',
      ]);
      const tokens = tokenService(store);
      const auth = await tokens.verify(manifest.accessToken);
      expect(auth.clientId).toBe(manifest.clientId);
      expect(auth.scopes).toEqual(manifest.scopes);
      expect(auth.extra).toEqual({ grantId: manifest.grantId });
      // The upstream credential was sealed with the directory's generated secret; it still opens.
      const vault = new CredentialVault(
        store,
        new Sealer(loadServerSecret(dir, undefined)),
        undefined,
        quiet,
      );
      expect(await vault.forGrant(manifest.grantId)).toBe(manifest.apiKey);
      const next = await tokens.refresh({
        clientId: manifest.clientId,
        refreshToken: manifest.refreshToken,
        scopes: undefined,
        resource: undefined,
      });
      expect((await tokens.verify(next.access_token)).extra).toEqual({ grantId: manifest.grantId });
      await expect(tokens.verify('mcp_at_not-a-token')).rejects.toThrow(/not recognised/);
    } finally {
      await store.close();
    }
    // Numbered, and given the later steps (the expiry indexes).
    const db = await openSqlite(dir, 'oauth.db', 'OAuth grants', AUTH_MIGRATIONS);
    try {
      expect(db.pragma('user_version')).toBe(AUTH_MIGRATIONS.at(-1)?.version);
      const indexes = db
        .prepare<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_expiry'",
        )
        .all()
        .map((r) => r.name)
        .sort();
      expect(indexes).toEqual(['codes_expiry', 'pending_expiry', 'tokens_expiry']);
    } finally {
      db.close();
    }
    // Closed cleanly: the WAL is checkpointed into the file, and the lock and its owner are gone.
    expect(readdirSync(dir).filter((f) => /-wal$|\.lock$|\.owner$/.test(f))).toEqual([]);
  });

  it('serves the 0.1.0 access token on a real remote server started on the directory', async () => {
    const dir = copyOfRelease();
    // The fixture's tokens name http://127.0.0.1/mcp: the server is told that is its public URL.
    const config = loadConfig({
      G8_API_URL: 'http://127.0.0.1:9',
      G8_HTTP_PORT: '0',
      G8_DATA_DIR: dir,
      G8_PUBLIC_URL: new URL(manifest.resource).origin,
    });
    const server = await startRemoteServer(config, catalogue, pino({ level: 'silent' }), {
      rateLimit: false,
    });
    try {
      const mcp = `http://127.0.0.1:${server.port}/mcp`;
      const ok = await initialize(mcp, { authorization: `Bearer ${manifest.accessToken}` });
      expect(ok.status).toBe(200);
      const refused = await initialize(mcp, { authorization: `Bearer ${manifest.accessToken}x` });
      expect(refused.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('keeps its tasks, sealed credential included', async () => {
    const dir = copyOfRelease();
    const store = await openSqliteTaskStore(dir);
    try {
      const done = await store.get('fixture-task-done');
      expect(done?.status).toBe('completed');
      expect(done?.result?.structuredContent).toEqual({ enriched: 2 });
      const listed = await store.list(`grant:${manifest.grantId}`, 10);
      expect(listed.map((t) => t.id)).toEqual([...manifest.tasks].reverse());
      expect(await store.countActive(`grant:${manifest.grantId}`)).toBe(1);
      const working = await store.get('fixture-task-working');
      const sealer = new Sealer(loadServerSecret(dir, undefined));
      expect(sealer.open(working?.sealedCredential ?? '', 'task:fixture-task-working')).toBe(manifest.apiKey);
    } finally {
      await store.close();
    }
    const db = await openSqlite(dir, 'tasks.db', 'tasks', TASK_MIGRATIONS);
    expect(db.pragma('user_version')).toBe(TASK_MIGRATIONS.at(-1)?.version);
    db.close();
  });

  it('keeps its audit rows, every field', async () => {
    const dir = copyOfRelease();
    const store = await openSqliteAuditStore(dir);
    try {
      const page = await store.query({ orgId: manifest.orgId }, { limit: 10, offset: 0 });
      expect(page.total).toBe(3);
      expect(page.records.map((r) => r.id)).toEqual(manifest.audit);
      expect(page.records[1]).toMatchObject({
        tool: 'g8_get_contact',
        outcome: 'tool_error',
        httpStatus: 422,
        principal: `grant:${manifest.grantId}`,
        approval: 'not_gated',
      });
      expect((await store.facets(manifest.orgId)).tools).toEqual([
        'g8_get_contact',
        'g8_list_lists',
        'g8_search_contacts',
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('schema versions', () => {
  it('a second open applies nothing more, and a file from a newer release is refused, unchanged', async () => {
    const dir = copyOfRelease();
    const first = await openSqlite(dir, 'tasks.db', 'tasks', TASK_MIGRATIONS);
    first.exec('PRAGMA user_version = 99');
    first.close();
    const before = readFileSync(join(dir, 'tasks.db'));
    await expect(openSqliteTaskStore(dir)).rejects.toThrow(
      /tasks\.db was written by a newer g8-mcp-server \(schema 99, this one knows up to 1\)/,
    );
    expect(readFileSync(join(dir, 'tasks.db')).equals(before)).toBe(true);
  });

  it('a failed step leaves the file at the step before it', async () => {
    const dir = copyOfRelease();
    const steps = [
      ...TASK_MIGRATIONS,
      { version: 2, name: 'broken', sql: 'CREATE TABLE x (a); SELECT nope FROM y;' },
    ];
    await expect(openSqlite(dir, 'tasks.db', 'tasks', steps)).rejects.toThrow(
      /tasks\.db: schema step 2 \(broken\) failed \(no such table: y\); the file stays at schema 1/,
    );
    const db = await openSqlite(dir, 'tasks.db', 'tasks', TASK_MIGRATIONS);
    try {
      expect(db.pragma('user_version')).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").all()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('an ownerless lock left by a crash is cleared at open, and the file still reads', async () => {
    const dir = copyOfRelease();
    const lock = join(dir, 'audit.db.lock');
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const store = await openSqliteAuditStore(dir);
    try {
      expect((await store.query({ orgId: manifest.orgId }, { limit: 1, offset: 0 })).total).toBe(3);
    } finally {
      await store.close();
    }
  });
});

describe('one process per data directory', () => {
  it('two stores in one process share the file; the last close lets it go', async () => {
    const dir = copyOfRelease();
    const a = await openSqliteTaskStore(dir);
    const b = await openSqliteTaskStore(dir);
    await a.close();
    expect((await b.get('fixture-task-done'))?.status).toBe('completed');
    expect(existsSync(join(dir, 'tasks.db.lock'))).toBe(true);
    await b.close();
    expect(existsSync(join(dir, 'tasks.db.lock'))).toBe(false);
  });

  it('another live process is refused by name; once it is killed, its committed writes are there', async () => {
    const dir = copyOfRelease();
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { openSqliteAuditStore } = await import(${JSON.stringify(new URL('../../dist/src/audit/sqlite-store.js', import.meta.url).href)});
         const store = await openSqliteAuditStore(process.argv[1]);
         const base = (await store.query({ orgId: 'org-fixture' }, { limit: 1, offset: 0 })).records[0];
         await store.append([{ ...base, id: 'written-before-kill', at: Date.now() }]);
         console.log('ready');
         setInterval(() => {}, 1000);`,
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((ok, fail) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && ok());
        child.on('exit', (code) => fail(new Error(`child exited ${code}`)));
      });
      await expect(openSqliteAuditStore(dir)).rejects.toThrow(
        new RegExp(`audit\\.db is in use by process ${child.pid} on .*one process per data directory`),
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((ok) => child.once('exit', ok));
      }
    }
    const store = await openSqliteAuditStore(dir);
    try {
      const page = await store.query({ orgId: manifest.orgId }, { limit: 10, offset: 0 });
      expect(page.records.map((r) => r.id)).toContain('written-before-kill');
      expect(page.total).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('a holder on another host counts as alive while it touches its owner file, and as gone once silent', async () => {
    const dir = copyOfRelease();
    const path = join(dir, 'tasks.db');
    mkdirSync(`${path}.lock`);
    writeFileSync(`${path}.owner`, JSON.stringify({ pid: 4242, host: 'elsewhere.example', start: null }));
    await expect(openSqliteTaskStore(dir)).rejects.toThrow(
      /tasks\.db is in use by process 4242 on elsewhere\.example/,
    );
    const silent = new Date(Date.now() - 60_000);
    utimesSync(`${path}.owner`, silent, silent);
    const store = await openSqliteTaskStore(dir);
    try {
      expect((await store.get('fixture-task-done'))?.status).toBe('completed');
      expect(JSON.parse(readFileSync(`${path}.owner`, 'utf8'))).toMatchObject({ pid: process.pid });
    } finally {
      await store.close();
    }
  });
});
