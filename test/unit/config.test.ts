import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, looksLikeJwt } from '../../src/config.js';

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

  it('recognises JWTs', () => {
    expect(looksLikeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc')).toBe(true);
    expect(looksLikeJwt('g8_live_abcdef')).toBe(false);
  });
});
