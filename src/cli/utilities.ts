/**
 * The commands that are not tools: `tools` (the catalogue as commands), `whoami` (GET /me and the
 * commands the key cannot run) and `completion` (a shell script).
 */
import type { Mode } from '../catalogue/types.js';
import type { Config } from '../config/load.js';
import { switchValue, tokenize } from './argv.js';
import { completionScript } from './completion.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { openApi, requireApiKey } from './session.js';
import { listTools } from './tools-list.js';

const UTILITIES = ['tools', 'whoami', 'completion', 'audit'] as const;
type Utility = (typeof UTILITIES)[number];

export function isUtility(word: string): word is Utility {
  return (UTILITIES as readonly string[]).includes(word);
}

export interface UtilityContext {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly config: Config;
  readonly mode: Mode;
  readonly help?: boolean | undefined;
  readonly json?: boolean | undefined;
}

function utilityArgs(
  args: readonly string[],
  allowed: readonly string[],
  command: string,
  maxPositionals = 0,
) {
  const tokens = tokenize(args, {
    arity: (n) => (allowed.includes(n) ? 'switch' : undefined),
    short: { h: 'help', y: 'yes' },
  });
  if (tokens.unknown.length) {
    throw new UsageError(
      `unknown flag ${tokens.unknown[0]} for g8 ${command}`,
      `g8 ${command} takes ${allowed.map((a) => `--${a}`).join(', ')} and --mode.`,
    );
  }
  if (tokens.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument "${tokens.positionals[maxPositionals]}" for g8 ${command}`);
  }
  return tokens;
}

export async function runUtility(word: Utility, args: readonly string[], ctx: UtilityContext): Promise<void> {
  switch (word) {
    case 'tools': {
      const t = utilityArgs(args, ['json', 'help'], 'tools');
      if (ctx.help || switchValue(t, 'help')) {
        ctx.io.out(
          'Usage: g8 tools [--mode dev|gtm|all] [--json]\nLists the commands of a mode with the tool, tier and scope of each.\n',
        );
        return;
      }
      listTools(ctx.io, ctx.mode, ctx.json || switchValue(t, 'json') || !ctx.io.stdoutIsTty);
      return;
    }
    case 'whoami': {
      const t = utilityArgs(args, ['json', 'help'], 'whoami');
      if (ctx.help || switchValue(t, 'help')) {
        ctx.io.out(
          "Usage: g8 whoami [--json]\nShows the key's org, key mode and scopes (GET /me) and the commands of the mode it cannot run.\n",
        );
        return;
      }
      const apiKey = requireApiKey(ctx.env, (line) => ctx.io.err(`${line}\n`));
      const api = await openApi(ctx.config);
      const { whoami } = await import('./whoami.js');
      try {
        await whoami(ctx.io, {
          api,
          apiKey,
          apiUrl: ctx.config.apiUrl,
          mode: ctx.mode,
          json: ctx.json || switchValue(t, 'json') || !ctx.io.stdoutIsTty,
        });
      } finally {
        await api.close().catch(() => {});
      }
      return;
    }
    case 'audit': {
      const { runAudit } = await import('./audit.js');
      await runAudit(args, ctx);
      return;
    }
    case 'completion': {
      const t = utilityArgs(args, ['help'], 'completion', 1);
      if (ctx.help || switchValue(t, 'help')) {
        ctx.io.out(
          'Usage: g8 completion bash|zsh [--mode dev|gtm|all]\nPrints a completion script: source <(g8 completion bash)\n',
        );
        return;
      }
      ctx.io.out(completionScript(t.positionals[0], ctx.mode));
      return;
    }
  }
}
