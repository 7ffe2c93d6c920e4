/**
 * stdio's fast front (src/fast/front.ts) must not change what a client sees. Each scenario runs
 * twice through the built entry — with the fast front, and with the full start it replaces
 * (forced by a remote-mode setting the front leaves to config.ts) — and compares every byte the
 * server writes to stdout. The bundled bin must answer the same bytes as dist/src/main.js.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultHandler, type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { MAIN } from '../helpers/stdio.js';

const BUNDLE = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));
const KEY = 'g8_test_fastfront0000000000';
/** Valid for config.ts and irrelevant to stdio, so the fast front steps aside. */
const FULL_START = { G8_HTTP_STATELESS: 'false' };

type Message = Record<string, unknown>;

class RawSession {
  readonly lines: string[] = [];
  readonly #child: ChildProcessWithoutNullStreams;
  #buffer = '';
  #waiters: { id: unknown; resolve: () => void }[] = [];

  constructor(entry: string, env: Record<string, string>) {
    this.#child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH ?? '', G8_LOG_LEVEL: 'silent', ...env },
    });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let i = this.#buffer.indexOf('\n'); i !== -1; i = this.#buffer.indexOf('\n')) {
        const line = this.#buffer.slice(0, i);
        this.#buffer = this.#buffer.slice(i + 1);
        this.lines.push(line);
        const id = (JSON.parse(line) as Message).id;
        for (const w of this.#waiters.filter((w) => w.id === id)) w.resolve();
        this.#waiters = this.#waiters.filter((w) => w.id !== id);
      }
    });
  }

  write(...messages: Message[]): void {
    this.#child.stdin.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
  }

  answered(id: unknown): Promise<void> {
    if (this.lines.some((l) => (JSON.parse(l) as Message).id === id)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ id, resolve }));
  }

  async request(message: Message): Promise<void> {
    this.write(message);
    await this.answered(message.id);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.stdin.end();
    });
  }
}

const initialize = (id: number, capabilities: Message = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities,
    clientInfo: { name: 'fast-front-test', version: '1.0.0' },
  },
});
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const list = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list' });
const call = (id: number, name: string, args: Message = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

/** A request with no arguments (ping, resources/list, …), params absent unless given. */
const plain = (id: number, method: string, params?: Message) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params ? { params } : {}),
});

type Script = (s: RawSession) => Promise<void>;

/** A client that waits for each answer, as desktop clients do. */
const conversation: Script = async (s) => {
  await s.request(initialize(1));
  s.write(initialized);
  await s.request(list(2));
  await s.request(call(3, 'g8_search_contacts', { limit: 10 }));
  await s.request(call(4, 'g8_whoami'));
  await s.request(list(5));
};

/**
 * What desktop clients send after initialize (the front answers all of it), then a call (the real
 * server loads and answers from then on), then the same lists again.
 */
const desktop: Script = async (s) => {
  await s.request(initialize(1));
  s.write(initialized);
  await s.request(list(2));
  await s.request(plain(3, 'resources/list'));
  await s.request(plain(4, 'resources/templates/list'));
  await s.request(plain(5, 'prompts/list', {}));
  await s.request(plain(6, 'ping'));
  await s.request(call(7, 'g8_search_contacts', { limit: 10 }));
  await s.request(plain(8, 'prompts/list'));
  await s.request(plain(9, 'resources/list'));
  await s.request(plain(10, 'ping', {}));
  await s.request(list(11));
};

/** The lists before tools/list and before notifications/initialized, ping in between. */
const listsFirst: Script = async (s) => {
  await s.request(initialize(1));
  await s.request(plain(2, 'prompts/list'));
  await s.request(plain(3, 'ping', {}));
  s.write(initialized);
  await s.request(plain(4, 'resources/templates/list'));
  await s.request(list(5));
  await s.request(plain(6, 'resources/list', {}));
  await s.request(call(7, 'g8_whoami'));
  await s.request(plain(8, 'resources/templates/list'));
};

describe('stdio fast front: the same bytes as the full start', () => {
  let backend: RecordingServer;
  beforeAll(async () => {
    backend = await startRecordingServer();
  });
  afterAll(async () => {
    await backend.close();
  });
  beforeEach(() => {
    backend.reset();
    backend.setHandler(defaultHandler);
  });

  async function run(entry: string, env: Record<string, string>, script: Script) {
    const before = backend.requests.length;
    const s = new RawSession(entry, { G8_API_KEY: KEY, G8_API_URL: backend.url, ...env });
    await script(s);
    await s.close();
    return { lines: s.lines, requests: backend.requests.slice(before).map((r) => `${r.method} ${r.path}`) };
  }

  async function same(env: Record<string, string>, script: Script) {
    const fast = await run(MAIN, env, script);
    const full = await run(MAIN, { ...env, ...FULL_START }, script);
    expect(fast.lines).toEqual(full.lines);
    return { fast, full };
  }

  it.each([
    ['all mode, discovery on by default', {}],
    ['dev mode', { G8_MCP_MODE: 'dev' }],
    ['gtm mode with discovery on', { G8_MCP_MODE: 'gtm', G8_DISCOVERY: 'on' }],
    ['discovery off', { G8_DISCOVERY: 'off' }],
    [
      'toolsets, tools and read-only',
      { G8_TOOLSETS: 'inbox', G8_TOOLS: 'g8_get_contact', G8_READ_ONLY: 'true' },
    ],
    ['scope filter off', { G8_SCOPE_FILTER: 'off' }],
  ])('%s', async (_label, env) => {
    for (const [script, answers] of [
      [conversation, 5],
      [desktop, 11],
      [listsFirst, 8],
    ] as const) {
      const { fast, full } = await same(env, script);
      expect(fast.lines).toHaveLength(answers);
      // GET /me is read once, by the front, and handed over: the backend sees what it saw before.
      expect(fast.requests).toEqual(full.requests);
    }
  });

  it('a client that never calls a tool: the same answers and the same backend requests', async () => {
    const handshake: Script = async (s) => {
      await s.request(initialize(1));
      s.write(initialized);
      await s.request(plain(2, 'resources/list'));
      await s.request(list(3));
      await s.request(plain(4, 'prompts/list'));
      await s.request(plain(5, 'ping'));
      await s.request(plain(6, 'resources/templates/list'));
      await s.request(list(7));
    };
    const { fast, full } = await same({}, handshake);
    expect(fast.lines).toHaveLength(7);
    expect(fast.requests).toEqual(full.requests);
  });

  it('lists and pings of an unusual shape go to the real server, which answers them as before', async () => {
    const odd: Script = async (s) => {
      await s.request(initialize(1));
      s.write(initialized);
      await s.request(plain(2, 'resources/list', { cursor: 'next' }));
      await s.request(plain(3, 'prompts/list'));
      await s.request(list(4));
    };
    const oddMeta: Script = async (s) => {
      await s.request(initialize(1));
      await s.request(plain(2, 'prompts/list', { _meta: { progressToken: 1 } }));
      await s.request(plain(3, 'ping', { extra: true }));
      await s.request(plain(4, 'resources/templates/list', { cursor: 1 }));
      // Not a JSON-RPC request to the SDK (an extra member): it answers nothing, before as now.
      s.write({ ...plain(5, 'resources/list'), extra: 1 });
      await s.request(plain(6, 'resources/list'));
    };
    await same({}, odd);
    await same({}, oddMeta);
  });

  it('a key with few scopes: the same shortened list and the same whoami', async () => {
    backend.setHandler((req) =>
      req.path === '/api/v1/me'
        ? {
            status: 200,
            body: { data: { org_id: 'org_1', scopes: ['contacts:read', 'inbox:*'], unrestricted: false } },
          }
        : defaultHandler(req),
    );
    const { fast } = await same({ G8_DISCOVERY: 'off' }, conversation);
    const tools = (JSON.parse(fast.lines[1] as string) as { result: { tools: { name: string }[] } }).result
      .tools;
    expect(tools.map((t) => t.name)).toContain('g8_list_inbox');
    expect(tools.map((t) => t.name)).not.toContain('g8_enrich_contacts');
  });

  it('GET /me failing: the real server reads it again, with its retries, and lists the same', async () => {
    backend.setHandler((req) =>
      req.path === '/api/v1/me' ? { status: 401, body: { detail: 'Invalid API key' } } : defaultHandler(req),
    );
    await same({}, conversation);
  });

  it('everything written at once (no waiting for answers): the same answers', async () => {
    const burst: Script = async (s) => {
      s.write(
        initialize(1),
        initialized,
        plain(2, 'prompts/list'),
        list(3),
        plain(4, 'resources/list'),
        plain(5, 'ping'),
        call(6, 'g8_search_contacts'),
        plain(7, 'resources/templates/list'),
        list(8),
      );
      await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((id) => s.answered(id)));
    };
    const fast = await run(MAIN, {}, burst);
    const full = await run(MAIN, FULL_START, burst);
    const byId = (lines: string[]) =>
      [...lines].sort((a, b) => Number(JSON.parse(a).id) - Number(JSON.parse(b).id));
    expect(byId(fast.lines)).toEqual(byId(full.lines));
  });

  it('an initialize the front is not sure of goes to the SDK, which answers it as before', async () => {
    const odd: Script = async (s) => {
      await s.request({
        ...initialize(1),
        params: { ...initialize(1).params, clientInfo: { name: 'no-version' } },
      });
      await s.request(initialize(2));
      await s.request(list(3));
    };
    const { fast } = await same({}, odd);
    expect(JSON.parse(fast.lines[0] as string)).toMatchObject({ id: 1, error: { code: -32603 } });
  });

  it('tools/list before initialize, and a line that is not JSON: the same as before', async () => {
    const early: Script = async (s) => {
      s.write({ jsonrpc: '2.0', id: 9, method: 'ping' });
      s.write(list(1));
      await s.answered(1);
      await s.request(initialize(2));
      await s.request(list(3));
    };
    await same({}, early);
  });

  it('client capabilities reach the real server (elicitation asks the user instead of previewing)', async () => {
    const elicit: Script = async (s) => {
      await s.request(initialize(1, { elicitation: {} }));
      s.write(initialized);
      await s.request(list(2));
      // A destructive tool: with elicitation the server asks the client (a request with an id of
      // its own) instead of answering with a preview.
      s.write(call(3, 'g8_delete_sequence', { sequence_id: 'seq_1' }));
      await new Promise((resolve) => setTimeout(resolve, 1500));
    };
    const fast = await run(MAIN, {}, elicit);
    const asked = fast.lines
      .map((l) => JSON.parse(l) as Message)
      .find((m) => m.method === 'elicitation/create');
    expect(asked).toBeDefined();
  });

  it('the bundled bin answers the same bytes as dist/src/main.js', async () => {
    for (const script of [conversation, desktop]) {
      const fromDist = await run(MAIN, {}, script);
      const fromBundle = await run(BUNDLE, {}, script);
      expect(fromBundle.lines).toEqual(fromDist.lines);
    }
  });
});
