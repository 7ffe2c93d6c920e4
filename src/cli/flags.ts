/**
 * Flags generated from a tool's input schema. The JSON Schema the MCP server lists (one cached
 * conversion of the zod input) is the source, so `--help`, completion and parsing show exactly what
 * a model sees. Parsing only turns strings into JSON types; the spec's zod schema still validates.
 */
import { readFileSync } from 'node:fs';
import { inputJsonSchema } from '../catalogue/definition.js';
import type { ToolSpec } from '../catalogue/types.js';
import type { Arity } from './argv.js';
import { UsageError } from './errors.js';

export type FlagKind = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'json';

export interface FlagSpec {
  /** Kebab-case name without dashes: `repo-id`. */
  readonly flag: string;
  /** The input field it fills: `repo_id`. */
  readonly field: string;
  readonly kind: FlagKind;
  /** Arrays: the kind of one element. */
  readonly item?: FlagKind;
  /** Allowed values (of the flag, or of each element for arrays). */
  readonly choices?: readonly string[];
  readonly required: boolean;
  readonly default?: unknown;
  readonly description: string;
  /** Extra names for this flag on one command (`--limit` for inbox-list's `--page-size`). */
  readonly aliases: readonly string[];
}

interface JsonProp {
  type?: string;
  enum?: unknown[];
  items?: JsonProp;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

export function flagName(field: string): string {
  return field.replaceAll('_', '-');
}

function kindOf(prop: JsonProp | undefined): FlagKind {
  switch (prop?.type) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
    case 'array':
    case 'object':
      return prop.type;
    default:
      return 'json';
  }
}

const cache = new WeakMap<ToolSpec, FlagSpec[]>();

/** The flags of one tool, in schema order. `aliases` maps alias → flag name. */
export function flagsFor(spec: ToolSpec, aliases: Readonly<Record<string, string>> = {}): FlagSpec[] {
  const cached = cache.get(spec);
  if (cached && Object.keys(aliases).length === 0) return cached;
  const schema = inputJsonSchema(spec) as { properties?: Record<string, JsonProp>; required?: string[] };
  const required = new Set(schema.required ?? []);
  const flags = Object.entries(schema.properties ?? {}).map(([field, prop]): FlagSpec => {
    const flag = flagName(field);
    const kind = kindOf(prop);
    const choiceSource = kind === 'array' ? prop.items : prop;
    return {
      flag,
      field,
      kind,
      ...(kind === 'array' ? { item: kindOf(prop.items) } : {}),
      ...(choiceSource?.enum ? { choices: choiceSource.enum.map(String) } : {}),
      required: required.has(field),
      ...('default' in prop ? { default: prop.default } : {}),
      description: prop.description ?? '',
      aliases: Object.entries(aliases)
        .filter(([, target]) => target === flag)
        .map(([alias]) => alias),
    };
  });
  if (Object.keys(aliases).length === 0) cache.set(spec, flags);
  return flags;
}

export function arityOf(flag: FlagSpec): Arity {
  return flag.kind === 'boolean' ? 'switch' : 'value';
}

/** How a flag is written in usage lines: `--channel email|sms|linkedin`, `--contact-ids N…`. */
export function valueHint(flag: FlagSpec): string {
  if (flag.kind === 'boolean') return '';
  if (flag.choices && flag.kind !== 'array') return flag.choices.join('|');
  switch (flag.kind) {
    case 'integer':
    case 'number':
      return 'N';
    case 'array':
      return flag.item === 'integer' || flag.item === 'number'
        ? 'N,…'
        : flag.item === 'object'
          ? 'JSON'
          : `${flag.choices ? flag.choices.join('|') : 'TEXT'}…`;
    case 'object':
    case 'json':
      return 'JSON';
    default:
      return 'TEXT';
  }
}

/**
 * Turns the given flag values into a tool input. Only the flags given appear: defaults and
 * required checks stay with zod, so the CLI and the MCP server agree on them.
 */
export function buildInput(
  flags: readonly FlagSpec[],
  given: ReadonlyMap<string, readonly string[]>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const flag of flags) {
    const values = [flag.flag, ...flag.aliases].flatMap((name) => given.get(name) ?? []);
    if (values.length === 0) continue;
    if (flag.kind !== 'array' && flag.kind !== 'object' && values.length > 1) {
      throw new UsageError(`--${flag.flag} was given ${values.length} times; give it once`);
    }
    input[flag.field] = convert(flag, values);
  }
  return input;
}

function convert(flag: FlagSpec, values: readonly string[]): unknown {
  const name = `--${flag.flag}`;
  switch (flag.kind) {
    case 'array':
      return values.flatMap((value) => arrayItems(flag, value));
    case 'object':
      return values.reduce<Record<string, unknown>>(
        (acc, value) => Object.assign(acc, objectValue(name, value)),
        {},
      );
    case 'json':
      return parseJson(name, readArg(name, values[0] as string));
    default:
      return scalar(name, flag.kind, values[0] as string, flag.choices);
  }
}

function scalar(name: string, kind: FlagKind, value: string, choices?: readonly string[]): unknown {
  switch (kind) {
    case 'integer':
      if (!/^-?\d+$/.test(value.trim()))
        throw new UsageError(`${name} expects a whole number, got "${value}"`);
      return Number(value);
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n))
        throw new UsageError(`${name} expects a number, got "${value}"`);
      return n;
    }
    case 'boolean': {
      const v = value.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(v)) return true;
      if (['false', '0', 'no'].includes(v)) return false;
      throw new UsageError(`${name} expects true or false, got "${value}"`);
    }
    case 'object':
      return objectValue(name, value);
    default:
      if (choices && !choices.includes(value)) {
        throw new UsageError(`${name} must be one of ${choices.join(', ')}; got "${value}"`);
      }
      return value;
  }
}

/** One occurrence of an array flag: a JSON array, `@file`, or one element (numbers may be a comma list). */
function arrayItems(flag: FlagSpec, raw: string): unknown[] {
  const name = `--${flag.flag}`;
  const value = readArg(name, raw);
  if (value.trimStart().startsWith('[')) {
    const parsed = parseJson(name, value);
    if (!Array.isArray(parsed)) throw new UsageError(`${name} expects a JSON array`);
    return parsed;
  }
  const item = flag.item ?? 'string';
  if (item === 'integer' || item === 'number') {
    return value
      .split(',')
      .filter((part) => part.trim() !== '')
      .map((part) => scalar(name, item, part.trim()));
  }
  if (item === 'object' || item === 'json') return [parseJson(name, value)];
  return [scalar(name, item, value, flag.choices)];
}

/** A JSON object, `@file`, or one `key=value` pair (repeat the flag to add more keys). */
function objectValue(name: string, raw: string): Record<string, unknown> {
  const value = readArg(name, raw);
  if (value.trimStart().startsWith('{')) {
    const parsed = parseJson(name, value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`${name} expects a JSON object`);
    }
    return parsed as Record<string, unknown>;
  }
  const eq = value.indexOf('=');
  if (eq <= 0) {
    throw new UsageError(
      `${name} expects a JSON object or key=value`,
      `For example ${name} '{"framework":"next"}' or ${name} framework=next (repeatable).`,
    );
  }
  const text = value.slice(eq + 1);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a bare word is a string value
  }
  return { [value.slice(0, eq)]: parsed };
}

/** `@path` reads a file and `@-` standard input, so large JSON need not sit on the command line. */
function readArg(name: string, value: string): string {
  if (!value.startsWith('@')) return value;
  const path = value.slice(1);
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`${name}: cannot read ${path === '-' ? 'standard input' : path}`, String(error));
  }
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}
