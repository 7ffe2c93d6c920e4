/**
 * The zod-free settings reader of stdio's fast start-up (src/fast/config.ts) may only accept what
 * config.ts accepts, with the same meaning; everything else must go to config.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';
import { discoveryOn, fastConfig } from '../../src/fast/config.js';

const VALUES: Record<string, string[]> = {
  G8_API_KEY: ['g8_test_abc', ' g8_live_x ', 'eyJ.a.b', ''],
  G8_API_URL: [
    'http://127.0.0.1:8808',
    'https://be.graph8.com',
    'https://be.graph8.com/',
    'https://api.example.com/base/',
    'http://[::1]:9',
    ' https://be.graph8.com',
    'ftp://x',
    'https:/x',
    'http://',
    'HTTPS://BE.GRAPH8.COM',
    'https://exa mple.com',
    'nope',
  ],
  G8_MCP_MODE: ['dev', 'gtm', 'all', 'DEV', 'sales', ' dev'],
  G8_TOOLSETS: ['inbox', 'inbox, crm', ' , ', 'bogus'],
  G8_TOOLS: ['g8_get_contact', 'g8_get_contact,g8_nope', ','],
  G8_READ_ONLY: ['true', 'false', '1', '0', 'yes', 'no', 'YES', ' true ', 'maybe'],
  G8_TIMEOUT_MS: ['30000', '100', '99', '600000', '600001', '0100', '1e3', ' 500', '5.5', 'fast'],
  G8_LOG_LEVEL: ['info', 'debug', 'silent', 'verbose', 'INFO'],
  G8_CONFIRM: ['auto', 'never', 'always'],
  G8_MAX_RESULT_CHARS: ['25000', '999', '1000', '10000000', '10000001', 'lots'],
  G8_PACE: ['off', '50,1000', '0,10', '10,0', '5', 'on', '1,1'],
  G8_SCOPE_FILTER: ['on', 'off', 'true'],
  G8_DISCOVERY: ['on', 'off', 'auto', 'yes'],
  // Remote-mode settings and unknown names: the fast reader leaves these to config.ts.
  G8_HTTP_STATELESS: ['false', 'true'],
  G8_HTTP_PORT: ['8080', 'x'],
  G8_SOMETHING: ['1'],
};

const FLAGS = [
  ['--mode', 'dev'],
  ['--mode=gtm'],
  ['--mode'],
  ['--read-only'],
  ['--read-only', 'false'],
  ['--read-only=yes'],
  ['--toolsets', 'inbox,crm'],
  ['--tools=g8_get_contact'],
  ['--timeout-ms', '500'],
  ['--api-url', 'http://127.0.0.1:1'],
  ['--discovery', 'off'],
  ['--scope-filter=off'],
  ['--pace', 'off'],
  ['--log-level', 'debug'],
  ['--confirm', 'never'],
  ['--max-result-chars', '5000'],
  ['--port', '8080'],
  ['--nope'],
  ['positional'],
];

const envArb = fc
  .subarray(Object.keys(VALUES))
  .chain((names) =>
    fc
      .tuple(...names.map((n) => fc.constantFrom(...(VALUES[n] as string[]))))
      .map((vs) => Object.fromEntries(names.map((n, i) => [n, vs[i]]))),
  );
const argvArb = fc.array(fc.constantFrom(...FLAGS), { maxLength: 3 }).map((parts) => parts.flat());

function tryLoad(env: Record<string, string>, argv: string[]): Config | undefined {
  try {
    return loadConfig(env, argv);
  } catch {
    return undefined;
  }
}

describe('fast settings reader', () => {
  it('accepts only what config.ts accepts, with the same values', () => {
    let accepted = 0;
    fc.assert(
      fc.property(envArb, argvArb, (env, argv) => {
        const fast = fastConfig(env, argv);
        if (!fast) return;
        accepted++;
        const full = tryLoad(env, argv);
        expect(full, JSON.stringify({ env, argv })).toBeDefined();
        for (const key of [
          'apiKey',
          'apiUrl',
          'mode',
          'toolsets',
          'tools',
          'readOnly',
          'timeoutMs',
          'scopeFilter',
          'discovery',
        ] as const) {
          expect(fast[key], `${key} of ${JSON.stringify({ env, argv })}`).toEqual(full?.[key]);
        }
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('takes the settings desktop clients use', () => {
    expect(fastConfig({ PATH: '/bin', G8_API_KEY: 'g8_live_abc' }, [])).toMatchObject({
      apiKey: 'g8_live_abc',
      apiUrl: 'https://be.graph8.com',
      mode: 'all',
      scopeFilter: 'on',
      discovery: 'auto',
      timeoutMs: 30_000,
    });
    expect(
      fastConfig({ G8_API_KEY: 'k', G8_MCP_MODE: 'dev', G8_LOG_LEVEL: 'debug' }, ['--toolsets', 'inbox']),
    ).toMatchObject({ mode: 'dev', toolsets: ['inbox'] });
  });

  it('leaves remote-mode settings, unknown names and odd spellings to config.ts', () => {
    expect(fastConfig({ G8_API_KEY: 'k', G8_HTTP_STATELESS: 'false' }, [])).toBeUndefined();
    expect(fastConfig({ G8_API_KEY: 'k', G8_NEW_THING: '1' }, [])).toBeUndefined();
    expect(fastConfig({ G8_API_KEY: 'k', G8_TIMEOUT_MS: '1e3' }, [])).toBeUndefined();
    expect(fastConfig({ G8_API_KEY: 'k' }, ['--port', '80'])).toBeUndefined();
  });

  it('decides discovery as stdio.ts does', () => {
    expect(discoveryOn('auto', 'all')).toBe(true);
    expect(discoveryOn('auto', 'dev')).toBe(false);
    expect(discoveryOn('on', 'gtm')).toBe(true);
    expect(discoveryOn('off', 'all')).toBe(false);
  });
});
