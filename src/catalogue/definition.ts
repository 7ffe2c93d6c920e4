/**
 * What `tools/list` shows for a tool: name, title, description, JSON Schema and annotations.
 * Converted from the zod spec once per spec and cached. The bundled bin carries the conversions
 * made when it was bundled, from the same source (prebuilt-schemas.ts), so its first tools/list
 * converts nothing.
 */
import { z } from 'zod';
import { PREBUILT_SCHEMAS } from './prebuilt-schemas.js';
import type { HttpMethod, Tier, ToolSpec } from './types.js';

export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface ToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: 'object'; [key: string]: unknown };
  annotations: ToolAnnotations;
  /** 2025-11-25: a tool that starts a job takes task-augmented calls (the SDK drops this on 2026). */
  execution?: { taskSupport: 'optional' };
}

const schemaCache = new WeakMap<ToolSpec, ToolDefinition['inputSchema']>();

/**
 * Names a spec among all specs of the catalogue: the same tool name can exist in two modes with
 * different bindings (dev and gtm `g8_list_campaigns`). scripts/bundle.mjs refuses a catalogue in
 * which two specs share a key.
 */
export function schemaKey(spec: ToolSpec): string {
  return `${spec.toolset}/${spec.name}/${spec.http ? `${spec.http.method} ${spec.http.path}` : 'run'}`;
}

/** The zod → JSON Schema conversion itself (what prebuilt-schemas.ts holds for the bundle). */
export function convertInputSchema(spec: ToolSpec): ToolDefinition['inputSchema'] {
  const json = z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  // `$schema` repeats on every tool and tells a model nothing: it only costs context.
  const { $schema: _drop, ...rest } = json;
  return { ...(compact(rest) as Record<string, unknown>), type: 'object' };
}

export function inputJsonSchema(spec: ToolSpec): ToolDefinition['inputSchema'] {
  let schema = schemaCache.get(spec);
  if (!schema) {
    schema =
      (PREBUILT_SCHEMAS?.[schemaKey(spec)] as ToolDefinition['inputSchema'] | undefined) ??
      convertInputSchema(spec);
    schemaCache.set(spec, schema);
  }
  return schema;
}

/**
 * Drops what zod states but JSON Schema already implies, since every character costs context, and
 * what some clients' schema subsets refuse (test/helpers/schema-subsets.ts has the rules):
 * the safe-integer bounds of every `.int()`, `minLength: 1`, and `propertyNames: {type: string}` plus an empty
 * `additionalProperties` on free-form records (any object already has string keys and any values).
 */
function compact(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compact);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  const format = (node as { format?: unknown }).format;
  // Gemini's function schemas take no string format but enum and date-time (zod's email, uuid, url
  // …), nor the long regex zod adds with them; validation still checks the format, with a clear error.
  const dropFormat = typeof format === 'string' && !KEPT_FORMATS.has(format);
  for (const [key, value] of Object.entries(node)) {
    if (dropFormat && (key === 'format' || key === 'pattern')) continue;
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'propertyNames' && isStringType(value)) continue;
    if (key === 'additionalProperties' && isEmptyObject(value)) continue;
    // "Not empty" on ids is enforced by validation with a clear error; advertising it costs ~1k characters.
    if (key === 'minLength' && value === 1) continue;
    // An optional boolean left out is false; saying so on every flag costs ~400 characters.
    if (key === 'default' && value === false) continue;
    out[key] = compact(value);
  }
  return out;
}

const KEPT_FORMATS: ReadonlySet<string> = new Set(['date-time', 'enum']);

function isStringType(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    Object.keys(v).length === 1 &&
    (v as { type?: unknown }).type === 'string'
  );
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/**
 * Hints per tier, derived here only, never hand-set per tool. Defaults (readOnly false,
 * idempotent false) are left out because every character costs context; destructive and
 * open-world are always stated, because they are what a client's confirmation logic reads.
 */
export function annotationsFor(tier: Tier, method: HttpMethod | undefined): ToolAnnotations {
  const idempotent =
    method === 'PUT' || method === 'PATCH' || method === 'DELETE' ? { idempotentHint: true } : {};
  switch (tier) {
    case 'read':
      return { readOnlyHint: true, openWorldHint: false };
    case 'write':
      return { destructiveHint: false, ...idempotent, openWorldHint: false };
    case 'destructive':
      return { destructiveHint: true, ...idempotent, openWorldHint: false };
    case 'billable':
    case 'external':
      return { destructiveHint: false, ...idempotent, openWorldHint: true };
  }
}

export function toolDefinition(name: string, spec: ToolSpec): ToolDefinition {
  return {
    name,
    title: spec.title,
    description: spec.description,
    inputSchema: inputJsonSchema(spec),
    annotations: annotationsFor(spec.tier, spec.http?.method),
    ...(spec.job ? { execution: { taskSupport: 'optional' } } : {}),
  };
}
