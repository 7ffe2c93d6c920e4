/** The one settings table and what is made from it: the README's table, --help, the parser. */
import { describe, expect, it } from 'vitest';
import { helpText, sandboxHelpText } from '../../src/config/help.js';
import { readSettings, rowsOf } from '../../src/config/parse.js';
import { type Row, SETTINGS } from '../../src/config/settings.js';
import { ConfigError, UsageError } from '../../src/platform/errors.js';

const rows = Object.values(SETTINGS as Record<string, Row>);

describe('the settings table', () => {
  it('--help lists every setting: each variable and each flag', () => {
    const help = helpText();
    for (const r of rows) {
      if (r.env) expect(help).toContain(r.env);
      if (r.flag) expect(help).toContain(r.flag);
    }
    expect(sandboxHelpText()).toContain('G8_SANDBOX_SCOPE_MODE');
  });

  it('gives each flag one meaning per face', () => {
    for (const face of ['stdio', 'remote', 'cli', 'sandbox'] as const) {
      const flags = rowsOf([face]).flatMap(([, r]) => (r.flag ? [r.flag] : []));
      expect(new Set(flags).size).toBe(flags.length);
    }
    const envs = rows.flatMap((r) => (r.env ? [r.env] : []));
    expect(new Set(envs).size).toBe(envs.length);
  });

  it('parses flags over the environment, switches with --no-, and the sandbox face apart', () => {
    const server = { faces: ['stdio', 'remote', 'cli'] as const, helpWith: 'x --help' };
    const { settings } = readSettings(server, { G8_HTTP_PORT: '9000', G8_READ_ONLY: 'true' }, [
      '--port=9100',
      '--no-read-only',
    ]);
    expect(settings.httpPort).toBe(9100);
    expect(settings.readOnly).toBe(false);
    const sandbox = readSettings(
      { faces: ['sandbox'] as const, helpWith: 'x --help' },
      { G8_SANDBOX_PORT: '0' },
      ['--print-key'],
    ).settings;
    expect(sandbox).toMatchObject({ sandboxPort: 0, sandboxPrintKey: true, sandboxScopeMode: 'enforce' });
    expect(sandbox.sandboxRatePerSecond).toBe(50);
  });

  it('names the flag or the variable that was wrong, as a usage or a config error', () => {
    const server = { faces: ['remote'] as const, helpWith: 'g8-mcp-server --help' };
    expect(() => readSettings(server, {}, ['--port', 'x'])).toThrow(/^Invalid --port: /);
    expect(() => readSettings(server, { G8_HTTP_PORT: '70000' }, [])).toThrow(ConfigError);
    expect(() => readSettings(server, { G8_HTTP_PORT: '70000' }, [])).toThrow(/^Invalid G8_HTTP_PORT: /);
    expect(() => readSettings(server, {}, ['--prot', '1'])).toThrow(UsageError);
    expect(() => readSettings(server, {}, ['--prot', '1'])).toThrow(
      'Unknown option --prot. Run g8-mcp-server --help for the options.',
    );
    expect(() => readSettings(server, {}, ['--port'])).toThrow(/--port needs a value/);
    const demo = { faces: ['sandbox'] as const, helpWith: 'x', only: ['sandboxPort'] };
    expect(() => readSettings(demo, {}, ['--print-key'])).toThrow(UsageError);
  });
});
