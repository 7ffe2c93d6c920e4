/**
 * Settings from argv and the environment: `node:util` parseArgs for the flags, then the G8_*
 * variables, then one merge (flags win) validated by the rows' zod types.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, UsageError } from '../platform/errors.js';
import { type Face, type KeysOf, type Row, SETTINGS, type SettingsOf } from './settings.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The rows one of `faces` reads. */
export function rowsOf(faces: readonly Face[]): [string, Row][] {
  return Object.entries(SETTINGS as Record<string, Row>).filter(([, r]) =>
    r.faces.some((f) => faces.includes(f)),
  );
}

/** What a parse needs of a command: its faces and the words of its usage line for errors. */
export interface Command {
  readonly faces: readonly Face[];
  /** How `--help` is reached from this command, for the unknown-option message. */
  readonly helpWith: string;
  /** Only these settings of the faces (a command that needs a few of them). */
  readonly only?: readonly string[];
}

export interface Parsed<F extends Face> {
  readonly settings: SettingsOf<F>;
  /** `--help` / `-h` was given. */
  readonly help: boolean;
}

/** Reads the settings of `command` from `argv` (flags) and `env`; flags beat the environment. */
export function readSettings<F extends Face>(
  command: Command & { readonly faces: readonly F[] },
  env: Env,
  argv: readonly string[],
): Parsed<F> {
  const rows = rowsOf(command.faces).filter(([key]) => !command.only || command.only.includes(key));
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  const keyOfFlag = new Map<string, string>();
  for (const [key, r] of rows) {
    if (!r.flag) continue;
    const name = r.flag.slice(2);
    options[name] = { type: r.switch ? 'boolean' : 'string' };
    keyOfFlag.set(name, key);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowNegative: true }) as {
      values: Record<string, string | boolean | undefined>;
    });
  } catch (error) {
    throw usageError(error, command.helpWith);
  }
  const raw: Record<string, string> = {};
  for (const [key, r] of rows) {
    const value = r.env === undefined ? undefined : env[r.env];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const [name, value] of Object.entries(values)) {
    const key = keyOfFlag.get(name);
    if (key !== undefined && value !== undefined) raw[key] = String(value);
  }
  const schema = z.object(Object.fromEntries(rows.map(([key, r]) => [key, r.type])));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const key = String(issue.path[0]);
    const r = (SETTINGS as Record<string, Row>)[key];
    // Name what the user set: the flag when the value came from one, else the variable.
    const fromFlag = r?.flag !== undefined && values[r.flag.slice(2)] !== undefined;
    const name = (fromFlag ? r?.flag : r?.env) ?? key;
    throw new ConfigError(`Invalid ${name}: ${issue.message}`);
  }
  return { settings: parsed.data as SettingsOf<F>, help: values.help === true };
}

function usageError(error: unknown, helpWith: string): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1] ?? message;
    return new UsageError(`Unknown option ${option}. Run ${helpWith} for the options.`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--[\w-]+)/.exec(message)?.[1] ?? 'An option';
    return new UsageError(`Option ${option} needs a value (${option} VALUE or ${option}=VALUE).`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const word = /'([^']*)'/.exec(message)?.[1] ?? '';
    return new UsageError(`Unexpected argument "${word}". Run ${helpWith} for the options.`);
  }
  return new UsageError(message);
}

export type { KeysOf };
