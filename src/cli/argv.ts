/**
 * Splits argv into flags and positionals. It knows nothing about tools: the caller says which
 * names are switches (take no value) and which take one, so `--full` and `--email x` parse right.
 */
import { UsageError } from './errors.js';

/** `switch`: boolean, value optional (`--full`, `--full=false`, `--no-full`); `value`: needs one. */
export type Arity = 'switch' | 'value';

export interface Tokens {
  /** Every value given per flag name (without dashes), in order; switches record 'true'/'false'. */
  readonly options: Map<string, string[]>;
  readonly positionals: string[];
  /** Flags the caller does not know, as typed (for a usage error that can name them). */
  readonly unknown: string[];
  /** With stopAtPositional: the first positional and everything after it, untouched. */
  readonly rest: string[];
}

export interface TokenizeOptions {
  readonly arity: (name: string) => Arity | undefined;
  /** Single-letter forms, e.g. { y: 'yes', h: 'help' }. */
  readonly short?: Readonly<Record<string, string>>;
  /** Stop at the first positional (global options before a command name). */
  readonly stopAtPositional?: boolean;
}

const BOOL_WORDS = new Set(['true', 'false']);

export function tokenize(argv: readonly string[], opts: TokenizeOptions): Tokens {
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  const unknown: string[] = [];
  const add = (name: string, value: string) => {
    const list = options.get(name);
    if (list) list.push(value);
    else options.set(name, [value]);
  };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') {
      if (opts.stopAtPositional) return { options, positionals, unknown, rest: argv.slice(i + 1) };
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) {
      if (opts.stopAtPositional) return { options, positionals, unknown, rest: argv.slice(i) };
      positionals.push(token);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      inline = eq === -1 ? undefined : token.slice(eq + 1);
    } else {
      const long = opts.short?.[token.slice(1)];
      if (!long) {
        unknown.push(token);
        continue;
      }
      name = long;
    }
    const arity = opts.arity(name);
    if (arity === undefined && name.startsWith('no-') && opts.arity(name.slice(3)) === 'switch') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      add(name.slice(3), 'false');
      continue;
    }
    if (arity === undefined) {
      unknown.push(`--${name}`);
      // Swallow its value too, so it is not mistaken for a stray positional.
      const next = argv[i + 1];
      if (inline === undefined && next !== undefined && !next.startsWith('-')) i++;
      continue;
    }
    if (inline !== undefined) {
      add(name, inline);
    } else if (arity === 'switch') {
      const next = argv[i + 1];
      if (next !== undefined && BOOL_WORDS.has(next)) {
        add(name, next);
        i++;
      } else add(name, 'true');
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`--${name} needs a value`, `Write --${name} VALUE (or --${name}=VALUE).`);
      }
      add(name, next);
      i++;
    }
  }
  return { options, positionals, unknown, rest: [] };
}

/** The last value of a switch as a boolean; undefined when absent. */
export function switchValue(tokens: Tokens, name: string): boolean | undefined {
  const values = tokens.options.get(name);
  if (!values?.length) return undefined;
  return parseBool(name, values[values.length - 1] as string);
}

export function parseBool(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', ''].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new UsageError(`--${name} is a switch: give it alone, or as --${name}=true / --${name}=false`);
}

/** The one value of a value flag; a repeated single-valued flag is a mistake worth naming. */
export function singleValue(tokens: Tokens, name: string): string | undefined {
  const values = tokens.options.get(name);
  if (!values?.length) return undefined;
  if (values.length > 1) throw new UsageError(`--${name} was given ${values.length} times; give it once`);
  return values[0];
}

/** Edit distance, for "did you mean" suggestions on mistyped commands and flags. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const score = distance(word, candidate);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
