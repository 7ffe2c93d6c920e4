/**
 * Which G8_* variable and which flag set which setting: one table, read by config.ts (which
 * validates with zod) and by the help text. No imports, so loading it costs nothing.
 */

export const ENV_KEYS = {
  G8_API_KEY: 'apiKey',
  G8_API_URL: 'apiUrl',
  G8_MCP_MODE: 'mode',
  G8_TOOLSETS: 'toolsets',
  G8_TOOLS: 'tools',
  G8_READ_ONLY: 'readOnly',
  G8_TIMEOUT_MS: 'timeoutMs',
  G8_LOG_LEVEL: 'logLevel',
  G8_CONFIRM: 'confirm',
  G8_MAX_RESULT_CHARS: 'maxResultChars',
  G8_TASK_TTL_SEC: 'taskTtlSec',
  G8_MAX_TASKS_PER_CALLER: 'maxTasksPerCaller',
  G8_PACE: 'pace',
  G8_SCOPE_FILTER: 'scopeFilter',
  G8_DISCOVERY: 'discovery',
  G8_HTTP_PORT: 'httpPort',
  G8_HTTP_HOST: 'httpHost',
  G8_PUBLIC_URL: 'publicUrl',
  G8_DATA_DIR: 'dataDir',
  G8_MCP_SECRET: 'mcpSecret',
  G8_ALLOWED_HOSTS: 'allowedHosts',
  G8_ALLOWED_ORIGINS: 'allowedOrigins',
  G8_HTTP_STATELESS: 'httpStateless',
  G8_HTTP_JSON_RESPONSE: 'httpJsonResponse',
  G8_SESSION_IDLE_SEC: 'sessionIdleSec',
  G8_MAX_SESSIONS: 'maxSessions',
  G8_MAX_SESSIONS_PER_OWNER: 'maxSessionsPerOwner',
  G8_OAUTH_ISSUER: 'oauthIssuer',
  G8_OAUTH_CLIENT_ID: 'oauthClientId',
  G8_OAUTH_CLIENT_SECRET: 'oauthClientSecret',
  G8_OAUTH_SCOPES: 'oauthScopes',
  G8_ACCESS_TOKEN_TTL_SEC: 'accessTokenTtlSec',
  G8_REFRESH_TOKEN_TTL_SEC: 'refreshTokenTtlSec',
  G8_API_KEY_CACHE_SEC: 'apiKeyCacheSec',
  G8_AUTH_FAILURES_PER_MIN: 'authFailuresPerMin',
  G8_TRUST_PROXY: 'trustProxy',
} as const;

export const FLAG_KEYS = {
  '--api-url': 'apiUrl',
  '--mode': 'mode',
  '--toolsets': 'toolsets',
  '--tools': 'tools',
  '--read-only': 'readOnly',
  '--timeout-ms': 'timeoutMs',
  '--log-level': 'logLevel',
  '--confirm': 'confirm',
  '--max-result-chars': 'maxResultChars',
  '--pace': 'pace',
  '--scope-filter': 'scopeFilter',
  '--discovery': 'discovery',
  '--port': 'httpPort',
  '--host': 'httpHost',
  '--public-url': 'publicUrl',
  '--data-dir': 'dataDir',
} as const;

export type SettingKey = (typeof ENV_KEYS)[keyof typeof ENV_KEYS];
