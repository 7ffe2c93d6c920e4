import { describe, expect, it } from 'vitest';
import { looksLikeJwt } from '../../src/config/api-key.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/platform/errors.js';

describe('config', () => {
  it('has defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      apiUrl: 'https://be.graph8.com',
      mode: 'all',
      timeoutMs: 30_000,
      logLevel: 'info',
    });
  });

  it('flags beat environment', () => {
    const c = loadConfig({ G8_MCP_MODE: 'dev', G8_TOOLSETS: 'inbox, crm' }, ['--mode', 'gtm', '--read-only']);
    expect(c.mode).toBe('gtm');
    expect(c.toolsets).toEqual(['inbox', 'crm']);
    expect(c.readOnly).toBe(true);
    expect(loadConfig({}, ['--timeout-ms=500']).timeoutMs).toBe(500);
  });

  it('rejects bad values with the setting name', () => {
    expect(() => loadConfig({ G8_API_URL: 'ftp://x' })).toThrow(/Invalid G8_API_URL/);
    expect(() => loadConfig({ G8_TIMEOUT_MS: 'fast' })).toThrow(ConfigError);
    expect(() => loadConfig({}, ['--nope'])).toThrow(/Unknown option --nope/);
  });

  it('takes PostgreSQL and Redis URLs, and refuses others without echoing them', () => {
    const c = loadConfig({
      G8_DATABASE_URL: 'postgres://u:pw@db:5432/g8',
      G8_REDIS_URL: 'rediss://:pw@r:6380/1',
    });
    expect(c.databaseUrl).toBe('postgres://u:pw@db:5432/g8');
    expect(c.redisUrl).toBe('rediss://:pw@r:6380/1');
    expect(c.redisPrefix).toBe('g8:');
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    for (const [name, value] of [
      ['G8_DATABASE_URL', 'mysql://u:hunter2@db/g8'],
      ['G8_DATABASE_URL', 'hunter2'],
      ['G8_REDIS_URL', 'http://:hunter2@r'],
    ] as const) {
      const error = (() => {
        try {
          loadConfig({ [name]: value });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error?.message).toMatch(new RegExp(`^Invalid ${name}: expected`));
      expect(error?.message).not.toContain('hunter2');
    }
  });

  it('recognises JWTs', () => {
    expect(looksLikeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc')).toBe(true);
    expect(looksLikeJwt('g8_live_abcdef')).toBe(false);
  });
});
