/**
 * The package's public surface: `startSandbox` (the server's `sandbox` and `demo` commands, tests,
 * benchmarks) and `readDemoKey` (`sandbox --print-key`). Everything a caller sets is an option:
 * the package reads no argv and no environment.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { migrate, openDb } from './db.js';
import { SandboxStartError } from './errors.js';
import { createApp } from './http/app.js';
import { tokenHash } from './kernel/keys.js';
import type { ScopeMode } from './kernel/pipeline.js';
import { type RateLimitConfig, RateLimiter } from './kernel/rate-limit.js';
import { Router } from './kernel/router.js';
import { Serial } from './kernel/serial.js';
import type { Db, SandboxModule } from './module.js';
import { coreModules } from './modules/core.js';
import { domainModules } from './modules/domain.js';
import { getMeta, mintDemoKey } from './modules/kernel.js';
import { ensureLocalClient, type LocalClient } from './oauth/clients.js';
import type { OAuthOptions } from './oauth/routes.js';
import { seedIfEmpty } from './seed.js';

export { SandboxStartError } from './errors.js';
export type { ScopeMode } from './kernel/pipeline.js';
export type { RateLimitConfig } from './kernel/rate-limit.js';
export type { Db } from './module.js';
export type { LocalClient } from './oauth/clients.js';
export type { OAuthOptions } from './oauth/routes.js';

export interface SandboxOptions {
  /** 0 = ephemeral; default 8808. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** SQLite file, or ':memory:'. */
  dbPath: string;
  /** Requests per org; default 50/s and 1000/min. Both at least 1. */
  rateLimit?: RateLimitConfig;
  /** `enforce` (default) refuses a key without the route's scope; `soak` logs instead (not for campaigns:launch). */
  scopeMode?: ScopeMode;
  /** The upstream OAuth provider ("Sign in with graph8"): token lifetime, extra redirect URIs. */
  oauth?: OAuthOptions;
  /** Credits charged per successful lookup; default 1. */
  lookupCost?: number;
  /** Sandbox log lines (requests, warnings, stacks); defaults to stderr. Never receives tokens. */
  log?: (line: string) => void;
}

export interface SandboxHandle {
  /** `http://127.0.0.1:PORT` (no /api/v1). */
  readonly url: string;
  readonly port: number;
  /** The unrestricted test key of the demo org, stable across restarts on the same file. */
  readonly demoKey: string;
  /** The OAuth client a local g8-mcp-server uses for "Sign in with graph8" (oauth/). */
  readonly oauthClient: LocalClient;
  readonly db: Db;
  close(): Promise<void>;
}

/** The printed key, re-minted only if someone revoked or expired it (so the printout always works). */
function ensureDemoKey(db: Db, log: (line: string) => void): string {
  const token = getMeta(db, 'demo_key');
  const orgId = getMeta(db, 'demo_org_id');
  if (!orgId) throw new SandboxStartError('sandbox database has no demo org; delete the file to reseed');
  const nowSec = Math.floor(Date.now() / 1000);
  const alive =
    token !== undefined &&
    db
      .prepare<[string, number], { id: string }>(
        'SELECT id FROM api_keys WHERE token_hash = ? AND (expires_at IS NULL OR expires_at > ?)',
      )
      .get(tokenHash(token), nowSec);
  if (token !== undefined && alive) return token;
  log('sandbox: the demo key was revoked or expired; minted a new one');
  return db.transaction(() => mintDemoKey(db, orgId, Date.now()))();
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new SandboxStartError(`port ${port} on ${host} is already in use (try --port 0 or another port)`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

interface Prepared {
  readonly db: Db;
  readonly router: Router;
  readonly demoKey: string;
}

/** Opens, migrates and (on first start) seeds the database; registers every module's routes. */
export function prepareSandbox(
  opts: Pick<SandboxOptions, 'dbPath' | 'lookupCost'>,
  log: (line: string) => void,
): Prepared {
  const router = new Router(log);
  const modules: SandboxModule[] = [
    ...coreModules({ lookupCost: opts.lookupCost ?? 1, allRoutes: () => router.routes() }),
    ...domainModules,
  ];
  const db = openDb(opts.dbPath);
  try {
    migrate(db, modules);
    if (seedIfEmpty(db, modules, Date.now())) log('sandbox: seeded a fresh database');
    const demoKey = ensureDemoKey(db, log);
    for (const mod of modules) for (const route of mod.routes) router.add(route);
    return { db, router, demoKey };
  } catch (error) {
    db.close();
    throw error;
  }
}

const DEFAULT_RATE_LIMIT: RateLimitConfig = { perSecond: 50, perMinute: 1000 };

function checkedRateLimit(given: RateLimitConfig | undefined): RateLimitConfig {
  if (given === undefined) return DEFAULT_RATE_LIMIT;
  if (!(Number.isInteger(given.perSecond) && given.perSecond >= 1)) {
    throw new SandboxStartError(
      `rateLimit.perSecond must be an integer of at least 1 (got ${given.perSecond})`,
    );
  }
  if (!(Number.isInteger(given.perMinute) && given.perMinute >= 1)) {
    throw new SandboxStartError(
      `rateLimit.perMinute must be an integer of at least 1 (got ${given.perMinute})`,
    );
  }
  return given;
}

function checkedScopeMode(given: ScopeMode | undefined): ScopeMode {
  if (given === undefined || given === 'enforce' || given === 'soak') return given ?? 'enforce';
  throw new SandboxStartError(`scopeMode must be enforce or soak (got "${String(given)}")`);
}

/**
 * The demo org's key from a database file, opened (and on first use created and seeded) without a
 * server, then closed: what `g8-mcp-server sandbox --print-key` prints.
 */
export function readDemoKey(dbPath: string): string {
  const { db, demoKey } = prepareSandbox({ dbPath }, () => {});
  db.close();
  return demoKey;
}

export async function startSandbox(opts: SandboxOptions): Promise<SandboxHandle> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const rateLimit = checkedRateLimit(opts.rateLimit);
  const scopeMode = checkedScopeMode(opts.scopeMode);
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8808;

  const { db, router, demoKey } = prepareSandbox(opts, log);
  let baseUrl = '';
  const app = createApp({
    db,
    router,
    limiter: new RateLimiter(rateLimit),
    scopeMode,
    serial: new Serial(),
    log,
    now: Date.now,
    version: '1.0.0',
    baseUrl: () => baseUrl,
    oauth: opts.oauth ?? {},
  });
  const server = createServer(app);
  let boundPort: number;
  try {
    boundPort = await listen(server, port, host);
  } catch (error) {
    db.close();
    throw error;
  }
  baseUrl = `http://${urlHost(host)}:${boundPort}`;

  let closed = false;
  return {
    url: baseUrl,
    port: boundPort,
    demoKey,
    oauthClient: ensureLocalClient(db, Date.now()),
    db,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
