/**
 * Remote mode assembled: Config → store, secret, API client, authorization server, sessions →
 * an HTTP server. Used by `g8-mcp-server --http`, by `npm start` (demo) and by the tests, which
 * pass `overrides` for what configuration must never control (test-only metadata fetches,
 * rate limits, the clock).
 */
import { hkdfSync } from 'node:crypto';
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  InMemoryServerEventBus,
  type McpServer,
  type Server,
  type ServerEventBus,
} from '@modelcontextprotocol/server';
import { auditRouter } from '../audit/routes.js';
import { AuditCookies } from '../audit/session.js';
import type { AuditStore } from '../audit/store.js';
import { openRemoteTrail, type RemoteTrail } from '../audit/trail.js';
import { ApiKeyVerifier } from '../auth/api-keys.js';
import { type CimdOptions, ClientMetadataResolver } from '../auth/cimd.js';
import { ClientRegistry } from '../auth/clients.js';
import { ConsentFlow } from '../auth/consent/flow.js';
import { CredentialVault } from '../auth/credentials.js';
import { Sealer } from '../auth/crypto.js';
import { McpAuthenticator, type McpPrincipal } from '../auth/mcp-auth.js';
import { G8OAuthProvider } from '../auth/provider.js';
import { canonicalResource } from '../auth/resource.js';
import { SUPPORTED_SCOPES } from '../auth/scopes.js';
import { loadSecretRing, SecretError } from '../auth/secret.js';
import { openSqliteAuthStore } from '../auth/sqlite-store.js';
import type { AuthStore } from '../auth/store.js';
import { TokenService } from '../auth/tokens.js';
import { UpstreamOAuth } from '../auth/upstream.js';
import type { Catalogue } from '../catalogue/select.js';
import type { Config } from '../config/load.js';
import { Confirmations } from '../mcp/confirmation.js';
import { apiClientFor, hostSettings, toolTasksFor } from '../mcp/from-config.js';
import { buildServer, type ServerShared } from '../mcp/server.js';
import { openSqliteTaskStore } from '../mcp/tasks/sqlite-store.js';
import type { TaskStore } from '../mcp/tasks/store.js';
import { toolHost } from '../mcp/tool-host.js';
import { unavailableTools } from '../mcp/unavailable.js';
import { PrincipalLimits } from '../ops/limits.js';
import { metrics } from '../ops/metrics.js';
import type { MetricsServer } from '../ops/metrics-server.js';
import { StartupError } from '../platform/errors.js';
import type { Logger } from '../platform/log.js';
import { VERSION } from '../platform/version.js';
import { type ApprovalBook, Approvals } from '../stores/approvals.js';
import { RedisApprovals } from '../stores/redis-approvals.js';
import {
  EngineUnavailableError,
  openSharedState,
  SharedSecretError,
  type SharedState,
} from '../stores/shared.js';
import { StoreUnavailableError } from '../stores/sqlite.js';
import { sharedHooks } from '../stores/wiring.js';
import { createRemoteApp, type RateLimits } from './app.js';
import { approvalRouter } from './approval/routes.js';
import { type RemoteSettings, resolveSettings } from './options.js';
import { type Selected, SelectionCache } from './selection.js';
import { SessionRegistry } from './sessions.js';
import { SharedSessions } from './shared-sessions/sessions.js';

export interface RemoteOverrides {
  /** Client-metadata-document fetching (tests: a local http document, or a stub fetch). */
  readonly cimd?: CimdOptions;
  readonly rateLimit?: RateLimits;
  /** An already-open store (tests that inspect or seed it). */
  readonly store?: AuthStore;
  readonly auditStore?: AuditStore;
  /**
   * Another server behind the same stack (transports, auth, stores): the conformance suite's
   * fixture server (test/conformance) is served this way, never the product.
   */
  readonly serve?: {
    readonly buildServer: (selected: Selected, principal: McpPrincipal) => McpServer | Server;
    readonly bus?: ServerEventBus;
  };
}

export interface RemoteServer {
  /** `<public url>/mcp`. */
  readonly url: string;
  readonly publicUrl: string;
  readonly port: number;
  readonly sessions: SessionRegistry;
  readonly store: AuthStore;
  readonly audit: RemoteTrail;
  /**
   * Where list changes are published for subscriptions/listen streams: this replica's, and with
   * G8_REDIS_URL every replica's (src/stores/redis-event-bus.ts).
   */
  readonly events: ServerEventBus;
  /** `http://host:port/metrics` when G8_METRICS_PORT is set. */
  readonly metricsUrl?: string;
  close(): Promise<void>;
}

/** On shutdown, how long tool calls in flight may take to finish (and be answered and audited). */
const SHUTDOWN_GRACE_MS = 10_000;

function listen(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' ? new StartupError(`port ${port} on ${host} is already in use`) : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function requestStateKey(secret: Buffer): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'g8-mcp-server', 'request-state-v1', 32));
}

export async function startRemoteServer(
  config: Config,
  catalogue: Catalogue,
  logger: Logger,
  overrides: RemoteOverrides = {},
): Promise<RemoteServer> {
  // The public URL may name the port we are about to get, so the app is built after listening.
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const http = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  const port = await listen(http, config.httpPort, config.httpHost);
  let metricsServer: MetricsServer | undefined;
  if (config.metricsPort !== undefined) {
    const { startMetricsServer } = await import('../ops/metrics-server.js');
    metricsServer = await startMetricsServer(config.metricsPort, config.metricsHost).catch(
      (error: unknown) => {
        http.close();
        const code = (error as NodeJS.ErrnoException).code;
        throw code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? new StartupError(
              `metrics port ${config.metricsPort} on ${config.metricsHost} cannot be used (${code})`,
            )
          : error;
      },
    );
  }
  let settings: RemoteSettings;
  let sealer: Sealer;
  let secret: Buffer;
  let ring: Buffer[];
  let store: AuthStore;
  let engines: SharedState | undefined;
  let taskStore: TaskStore;
  let trail: RemoteTrail;
  try {
    settings = resolveSettings(config, port);
    // PostgreSQL and Redis when configured (README "Deployment"); else SQLite and memory.
    engines = await openSharedState(config, logger);
    // The key ring: the newest secret seals and keys new states; the older ones still open.
    ring = loadSecretRing(config.dataDir, config.mcpSecret, config.mcpSecretPrevious);
    secret = ring[0] as Buffer;
    sealer = new Sealer(ring);
    store = overrides.store ?? engines.store ?? (await openSqliteAuthStore(config.dataDir));
    taskStore = engines.taskStore ?? (await openSqliteTaskStore(config.dataDir));
    trail = await openRemoteTrail(config, logger, overrides.auditStore ?? engines.auditStore);
  } catch (error) {
    http.close();
    await engines?.close();
    await metricsServer?.close();
    // The secret, store and engine errors already say what to do; they are start-up failures.
    throw error instanceof SecretError ||
      error instanceof StoreUnavailableError ||
      error instanceof EngineUnavailableError ||
      error instanceof SharedSecretError
      ? new StartupError(error.message)
      : error;
  }
  const hooks = sharedHooks(engines, config.timeoutMs);
  const canonical = canonicalResource(settings.publicUrl);
  const api = apiClientFor(config, logger, hooks.pacing ? { pacing: hooks.pacing } : {});
  const upstream = settings.upstream
    ? new UpstreamOAuth({
        ...settings.upstream,
        redirectUri: new URL('/oauth/callback', settings.publicUrl).href,
        timeoutMs: config.timeoutMs,
      })
    : undefined;

  const tokens = new TokenService(
    store,
    {
      canonicalResource: canonical,
      accessTtlMs: config.accessTokenTtlSec * 1000,
      refreshTtlMs: config.refreshTokenTtlSec * 1000,
    },
    logger,
  );
  const vault = new CredentialVault(store, sealer, upstream, logger, Date.now, hooks.locks);
  const apiKeys = new ApiKeyVerifier(api, {
    ttlMs: config.apiKeyCacheSec * 1000,
    ...(hooks.keyCache ? { shared: hooks.keyCache } : {}),
  });
  const clients = new ClientRegistry(store, new ClientMetadataResolver(overrides.cimd));
  const consent = new ConsentFlow({
    store,
    clients,
    tokens,
    vault,
    sealer,
    apiKeys,
    upstream,
    publicUrl: settings.publicUrl,
    canonicalResource: canonical,
    logger,
  });
  const provider = new G8OAuthProvider(clients, consent, tokens, vault);
  const sessions = new SessionRegistry({
    idleMs: config.sessionIdleSec * 1000,
    max: config.maxSessions,
    maxPerOwner: config.maxSessionsPerOwner,
    logger,
  });
  sessions.start();
  metrics.sessions(() => sessions.size);
  // With Redis, 2025-era sessions are records there, any replica serving any of them.
  const sharedSessions = engines.redis
    ? new SharedSessions(engines.redis.client, {
        idleMs: config.sessionIdleSec * 1000,
        maxPerOwner: Math.min(config.maxSessionsPerOwner, config.maxSessions),
        jsonResponse: Boolean(config.httpJsonResponse),
        logger,
      })
    : undefined;
  // The rate is shared by every replica with G8_REDIS_URL; the in-flight cap is always this one's.
  const limitSettings = {
    callsPerMinute: config.callsPerMinPerPrincipal,
    maxInflight: config.maxInflightPerPrincipal,
  };
  const limits = hooks.callLimits?.(limitSettings) ?? new PrincipalLimits(limitSettings);

  const auth = new McpAuthenticator({
    tokens,
    apiKeys,
    vault,
    resourceMetadataUrl: new URL('/.well-known/oauth-protected-resource/mcp', settings.publicUrl).href,
    scopes: SUPPORTED_SCOPES,
    failuresPerMinute: config.authFailuresPerMin,
    logger,
    ...(hooks.throttle ? { throttle: hooks.throttle } : {}),
  });
  const serverLogger = logger.child({ component: 'mcp' });
  // Every replica derives the same key from the shared secret, so any of them verifies a
  // confirmation another one asked for.
  const confirmations = new Confirmations({
    key: requestStateKey(secret),
    previousKeys: ring.slice(1).map(requestStateKey),
    ...(hooks.usedStates ? { used: hooks.usedStates } : {}),
  });
  // A task outlives its request and this process: an API key is kept sealed with it (a grant's
  // credential is read from the grant again), so a restarted server follows it to the end.
  const tasks = toolTasksFor(config, api, serverLogger, taskStore, {
    seal: (owner, credential) =>
      owner.startsWith('grant:') ? undefined : sealer.seal(credential, `task:${owner}`),
    open: async (record) =>
      record.owner.startsWith('grant:')
        ? vault.forGrant(record.owner.slice('grant:'.length))
        : sealer.open(record.sealedCredential ?? '', `task:${record.owner}`),
  });
  // The approval page: a person signed in as the caller approves one exact gated call.
  // In Redis when it is set, so the page and the approved call may reach any replica.
  const approvals: ApprovalBook = engines.redis
    ? new RedisApprovals(engines.redis.client, settings.publicUrl, confirmations.ttlSeconds, sealer, logger)
    : new Approvals(settings.publicUrl, confirmations.ttlSeconds);
  const shared: ServerShared = {
    name: 'g8-mcp-server',
    version: VERSION,
    confirmations,
    logger: serverLogger,
    tasks: tasks.service,
  };
  // As in stdio mode (src/stdio.ts), with the mode and tools chosen by the URL.
  const serverFor = (selected: Selected, principal: McpPrincipal) => {
    const settings = hostSettings(config, selected.mode);
    const host = toolHost({
      tools: selected.tools,
      api,
      credential: principal.credential,
      who: principal.owner,
      logger: serverLogger,
      confirmations,
      tasks,
      ...settings,
      coreTools: selected.coreTools,
      audit: trail.forPrincipal(principal, api),
      limits,
      approvals,
      unavailable: unavailableTools(catalogue, {
        face: 'remote',
        selection: selected.selection,
        readOnlyBy: selected.readOnlyBy,
        discovery: settings.discovery,
      }),
    });
    return buildServer(shared, {
      host,
      api,
      credential: principal.credential,
      toolNames: selected.toolNames,
      owner: principal.owner,
    });
  };
  const events =
    overrides.serve?.bus ??
    engines.redis?.bus ??
    new InMemoryServerEventBus((error) =>
      logger.warn({ err: error.message }, 'a subscriptions/listen stream failed to take an event'),
    );
  const app = createRemoteApp({
    settings,
    canonicalResource: canonical,
    scopes: SUPPORTED_SCOPES,
    provider,
    consent,
    audit: auditRouter({
      store: trail.store,
      cookies: new AuditCookies(secret, sealer, settings.publicUrl.protocol === 'https:'),
      api,
      auth,
      upstream,
      publicUrl: settings.publicUrl,
      trustProxy: Boolean(config.trustProxy),
      logger,
    }),
    approval: approvalRouter({ approvals, apiKeys, store, publicUrl: settings.publicUrl, upstream, logger }),
    ping: () => store.ping(),
    engines: () => engines.engines(),
    trustProxy: Boolean(config.trustProxy),
    rateLimit: overrides.rateLimit ?? hooks.rateLimit,
    logger,
    mcp: {
      auth,
      sessions,
      ...(sharedSessions ? { sharedSessions } : {}),
      selections: new SelectionCache(catalogue, config),
      stateless: Boolean(config.httpStateless),
      trustProxy: Boolean(config.trustProxy),
      jsonResponse: Boolean(config.httpJsonResponse),
      logger,
      buildServer: overrides.serve?.buildServer ?? serverFor,
      bus: events,
    },
  });
  handler = app;
  await tasks.service.start();

  // Expired codes, tokens and abandoned consent requests are deleted every ten minutes.
  const sweep = setInterval(() => {
    store
      .sweep(Date.now())
      .catch((error: unknown) => logger.warn({ err: String(error) }, 'store sweep failed'));
  }, 600_000);
  sweep.unref();

  let closed = false;
  return {
    url: new URL('/mcp', settings.publicUrl).href,
    publicUrl: settings.publicUrl.href,
    port,
    sessions,
    store,
    audit: trail,
    events,
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      // No new connections; the tool calls in flight finish, are answered and audited.
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      await trail.log.settle(SHUTDOWN_GRACE_MS);
      sessions.closeAll();
      sharedSessions?.close();
      await app.close().catch(() => {});
      http.closeAllConnections();
      await stopped;
      await tasks.service.close().catch(() => {});
      await api.close().catch(() => {});
      await trail.close();
      await store.close();
      await engines.close();
      await metricsServer?.close();
    },
  };
}
