/**
 * `g8 audit`: the audit trail of a remote g8-mcp-server (GET /audit/records), read with the same
 * G8_API_KEY: newest first, as a table or (--json) as the endpoint's JSON. Only the key's own org
 * shows, and only to a key of an org admin (unrestricted or with account:write).
 */

import { CALL_OUTCOMES } from '../audit/outcomes.js';
import type { Config } from '../config/load.js';
import { singleValue, switchValue, tokenize } from './argv.js';
import { FailedError, UsageError } from './errors.js';
import { table } from './format.js';
import type { Io } from './io.js';
import { requireApiKey } from './session.js';

const VALUE_FLAGS = ['since', 'until', 'tool', 'outcome', 'client', 'limit', 'page', 'server'];
const SWITCHES = ['json', 'help'];

export const AUDIT_HELP = `Usage: g8 audit [--since 24h] [--until DATE] [--tool NAME] [--outcome OUTCOME] [--client NAME]
                [--limit 50] [--page 1] [--server URL] [--json]
Reads the audit trail of a remote g8-mcp-server (its GET /audit/records) with G8_API_KEY:
what agents did in your org's name, newest first. The key must be an org admin's
(unrestricted, or with account:write); it sees its own org's records only.
  --since, --until  a date (2026-12-06), an ISO time, or a span back from now (30m, 24h, 7d)
  --outcome         ${CALL_OUTCOMES.join(', ')}
  --server          the server's URL (or G8_SERVER_URL), e.g. https://mcp.example.com
`;

export interface AuditCliContext {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly config: Config;
  readonly json?: boolean | undefined;
  readonly help?: boolean | undefined;
}

type Json = Record<string, unknown>;

function endpoint(server: string | undefined): URL {
  if (!server) {
    throw new UsageError(
      'g8 audit needs the remote server to read from.',
      'Give --server https://mcp.example.com or set G8_SERVER_URL.',
    );
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(
      `--server: not a URL: ${server.slice(0, 80)}`,
      'Give the server origin, e.g. https://mcp.example.com',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError('--server: expected an http(s) URL');
  }
  return new URL('/audit/records', url.origin);
}

export async function runAudit(args: readonly string[], ctx: AuditCliContext): Promise<void> {
  const t = tokenize(args, {
    arity: (n) => (VALUE_FLAGS.includes(n) ? 'value' : SWITCHES.includes(n) ? 'switch' : undefined),
    short: { h: 'help' },
  });
  if (t.unknown.length) {
    throw new UsageError(`unknown flag ${t.unknown[0]} for g8 audit`, 'Run g8 audit --help for its flags.');
  }
  if (t.positionals.length) throw new UsageError(`unexpected argument "${t.positionals[0]}" for g8 audit`);
  if (ctx.help || switchValue(t, 'help')) {
    ctx.io.out(AUDIT_HELP);
    return;
  }
  const url = endpoint(singleValue(t, 'server') ?? ctx.config.serverUrl);
  for (const name of VALUE_FLAGS.filter((n) => n !== 'server')) {
    const value = singleValue(t, name);
    if (value !== undefined) url.searchParams.set(name, value);
  }
  const apiKey = requireApiKey(ctx.env, (line) => ctx.io.err(`${line}\n`));
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(ctx.config.timeoutMs),
    });
  } catch (error) {
    throw new FailedError(
      `could not reach ${url.origin} (${error instanceof Error ? error.message : String(error)})`,
      'Check --server / G8_SERVER_URL and that the server runs in remote mode (--http).',
    );
  }
  const body = (await res.json().catch(() => ({}))) as Json;
  if (!res.ok) {
    const why = typeof body.error_description === 'string' ? body.error_description : res.statusText;
    const hint =
      res.status === 401
        ? 'The server did not accept G8_API_KEY: check it is current.'
        : res.status === 403
          ? 'Use an org admin key: unrestricted, or with account:write.'
          : res.status === 404
            ? 'That server has no audit trail: is it g8-mcp-server in remote mode?'
            : undefined;
    throw new FailedError(`${why} (HTTP ${res.status})`, hint);
  }
  if (ctx.json || switchValue(t, 'json') || !ctx.io.stdoutIsTty) {
    ctx.io.out(`${JSON.stringify(body)}\n`);
    return;
  }
  const records = Array.isArray(body.records) ? (body.records as Json[]) : [];
  const rows = records.map((r) => ({
    time: String(r.time ?? '')
      .replace('T', ' ')
      .slice(0, 19),
    tool: r.tool,
    outcome: r.outcome,
    approval: r.approval,
    http: r.http_status,
    ms: r.duration_ms,
    client: [r.client_name, r.client_version].filter(Boolean).join(' '),
    principal: r.user ?? r.principal,
    request_id: r.request_id,
  }));
  const org = body.org_name ? `${String(body.org_name)} (${String(body.org_id)})` : String(body.org_id);
  ctx.io.out(`Audit trail of ${org}: ${records.length} of ${String(body.total)} records, newest first\n`);
  ctx.io.out(table(rows, ctx.io.columns));
}
