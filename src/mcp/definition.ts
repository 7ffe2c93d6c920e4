/**
 * What `tools/list` shows for a tool: name, title, description, JSON Schema and annotations.
 * Built once per spec and cached, so listing tools costs no zod conversion after the first time.
 */
import { z } from 'zod';
import type { HttpMethod, Tier, ToolSpec } from '../catalogue/types.js';

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
}

const schemaCache = new WeakMap<ToolSpec, ToolDefinition['inputSchema']>();

export function inputJsonSchema(spec: ToolSpec): ToolDefinition['inputSchema'] {
  let schema = schemaCache.get(spec);
  if (!schema) {
    const json = z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;
    // `$schema` repeats on every tool and tells a model nothing: it only costs context.
    const { $schema: _drop, ...rest } = json;
    schema = { ...(compact(rest) as Record<string, unknown>), type: 'object' };
    schemaCache.set(spec, schema);
  }
  return schema;
}

/** zod states the safe-integer bounds on every `.int()`; they say nothing and cost context. */
function compact(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compact);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    out[key] = compact(value);
  }
  return out;
}

/**
 * MCP's defaults are pessimistic (destructive and open-world unless said otherwise), so every
 * tier states the hints that differ from them. Derived here only, never hand-set per tool.
 */
export function annotationsFor(tier: Tier, method: HttpMethod | undefined): ToolAnnotations {
  const idempotent = method === 'PUT' || method === 'PATCH' || method === 'DELETE';
  switch (tier) {
    case 'read':
      return { readOnlyHint: true, openWorldHint: false };
    case 'write':
      return {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: idempotent,
        openWorldHint: false,
      };
    case 'destructive':
      return { readOnlyHint: false, destructiveHint: true, idempotentHint: idempotent, openWorldHint: false };
    case 'billable':
    case 'external':
      return { readOnlyHint: false, destructiveHint: false, idempotentHint: idempotent, openWorldHint: true };
  }
}

export function toolDefinition(name: string, spec: ToolSpec): ToolDefinition {
  return {
    name,
    title: spec.title,
    description: spec.description,
    inputSchema: inputJsonSchema(spec),
    annotations: annotationsFor(spec.tier, spec.http?.method),
  };
}
