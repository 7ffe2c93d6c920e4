/**
 * `g8 whoami`: the key's org, mode and scopes (GET /me, which needs no scope) and, from the
 * catalogue, the commands of this mode those scopes cannot run. The key itself is never shown.
 */
import type { ApiClient } from '../api/client.js';
import type { Mode } from '../catalogue/types.js';
import { apiErrorBody } from '../runtime/errors/classify.js';
import { identityReader } from '../runtime/identity.js';
import { ApiFailure } from './call.js';
import { commandsFor } from './commands.js';
import { humanView } from './format.js';
import type { Io } from './io.js';
import { scopeGaps } from './scopes.js';

type Obj = Record<string, unknown>;

export interface WhoamiOptions {
  readonly api: ApiClient;
  readonly apiKey: string;
  readonly apiUrl: string;
  readonly mode: Mode;
  readonly json: boolean;
}

export async function whoami(io: Io, opts: WhoamiOptions): Promise<void> {
  // The same GET /me reader the MCP server's scope filter and g8_whoami use.
  const who = await identityReader(opts.api, () => opts.apiKey)();
  if (!who.ok) throw new ApiFailure(apiErrorBody(who.error, { tool: 'g8_whoami', spec: { tier: 'read' } }));
  const me = who.identity as unknown as Obj;
  const scopes = who.identity.scopes;
  const unrestricted = who.identity.unrestricted;
  const commands = commandsFor(opts.mode);
  const gaps = unrestricted ? [] : scopeGaps(commands, scopes);
  const blocked = gaps.filter((g) => !g.partial);
  const partial = gaps.filter((g) => g.partial);

  if (opts.json) {
    io.out(
      `${JSON.stringify({ ...me, cli_mode: opts.mode, api_url: opts.apiUrl, cannot_run: blocked, partly_limited: partial })}\n`,
    );
    return;
  }
  const principal = (me['principal'] ?? {}) as Obj;
  const view: Obj = {
    org: me['org_name'] ? `${String(me['org_name'])} (${String(me['org_id'] ?? '')})` : me['org_id'],
    key: `${String(me['name'] ?? '')} (${String(me['api_key_id'] ?? '')})`,
    key_mode: me['key_mode'],
    owner: principal['user_email'] ? `personal key of ${String(principal['user_email'])}` : 'org key',
    scopes: unrestricted ? 'all (unrestricted key)' : scopes.join(', '),
    cli_mode: opts.mode,
    api_url: opts.apiUrl,
  };
  let text = humanView(view, io.columns);
  const total = commands.length;
  if (blocked.length === 0) text += `\nThis key can run all ${total} commands of mode ${opts.mode}.\n`;
  else {
    text += `\nCommands this key cannot run (${blocked.length} of ${total}):\n`;
    for (const gap of blocked) text += `  ${gap.command.padEnd(28)} needs ${gap.missing.join(', ')}\n`;
  }
  if (partial.length) {
    text += `\nCommands with options this key cannot use (${partial.length}):\n`;
    for (const gap of partial)
      text += `  ${gap.command.padEnd(28)} needs ${gap.missing.join(', ')} for some options\n`;
  }
  io.out(text);
}
