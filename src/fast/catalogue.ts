/**
 * The catalogue as generated at build time (dist/catalogue.json, by catalogue-build.ts): what
 * `initialize` and `tools/list` answer, per mode, already converted from zod to JSON Schema, and
 * the answers to the FIXED requests (messages.ts), the same for every session. stdio's
 * fast start-up answers from it without loading zod, the SDK or the 55 tool specs.
 */
import { readFileSync } from 'node:fs';
import { type Catalogue, type ExposedTool, selectTools } from '../catalogue/select.js';
import type { Mode, Tier, Toolset } from '../catalogue/types.js';
import type { ToolDefinition } from '../mcp/definition.js';
import type { Identity } from '../mcp/identity.js';
import { callDefinition, toolSearchDefinition, whoamiDefinition } from '../mcp/meta.js';
import { scopeAllows } from '../mcp/scopes.js';
import { PACKAGE_ROOT, VERSION } from '../version.js';
import type { FastConfig } from './config.js';
import type { FixedMethod } from './messages.js';

/** What selection and scope filtering read of a tool. */
export interface LightSpec {
  readonly name: string;
  readonly description: string;
  readonly toolset: Toolset;
  readonly tier: Tier;
  readonly scope: string;
}

/** buildServer's result per FIXED request; a method missing here is left to the real server. */
export type FixedAnswers = Partial<Record<FixedMethod, unknown>>;

/** The `initialize` result without `protocolVersion` (negotiated per request). */
export interface InitializeBody {
  readonly capabilities: Record<string, unknown>;
  readonly serverInfo: { readonly name: string; readonly version: string };
  readonly instructions?: string;
}

export interface FastCatalogue {
  /** Package version it was built for; another version's file is ignored (a stale build). */
  readonly version: string;
  readonly groups: Omit<Catalogue<LightSpec>, 'gtmAliases' | 'core'>;
  readonly gtmAliases: Readonly<Record<string, string>>;
  readonly core: readonly string[];
  /** tools/list definitions of every tool of a mode, under the name it has in that mode. */
  readonly definitions: Readonly<Record<Mode, Readonly<Record<string, ToolDefinition>>>>;
  readonly initialize: { readonly plain: InitializeBody; readonly discovery: InitializeBody };
  /** Absent from a file written before the front answered these: then the real server does. */
  readonly fixed?: Readonly<FixedAnswers>;
  readonly protocolVersions: { readonly latest: string; readonly supported: readonly string[] };
}

export const CATALOGUE_FILE = 'dist/catalogue.json';

/** The generated catalogue, or undefined when it is missing or from another version. */
export function readFastCatalogue(root: URL = PACKAGE_ROOT): FastCatalogue | undefined {
  try {
    const cat = JSON.parse(readFileSync(new URL(CATALOGUE_FILE, root), 'utf8')) as FastCatalogue;
    return cat.version === VERSION ? cat : undefined;
  } catch {
    return undefined;
  }
}

export function lightCatalogue(cat: FastCatalogue): Catalogue<LightSpec> {
  return { ...cat.groups, gtmAliases: cat.gtmAliases, core: cat.core };
}

/** The tools a config exposes; throws SelectionError exactly as the full start-up does. */
export function selectLight(cat: FastCatalogue, config: FastConfig): ExposedTool<LightSpec>[] {
  return selectTools(lightCatalogue(cat), config);
}

export interface ListInput {
  readonly mode: Mode;
  readonly tools: readonly ExposedTool<LightSpec>[];
  readonly discovery: boolean;
  /** Names listed from the start when discovery is on (coreForMode). */
  readonly core: ReadonlySet<string>;
  /** Who the key is (GET /me); undefined when scope filtering is off. */
  readonly identity?: Identity;
}

/**
 * The first `tools/list` exactly as buildServer's handler answers it (src/mcp/server.ts): the
 * selection minus tools the key's scopes hide, only the core set when discovery is on (nothing
 * has been enabled yet), then g8_whoami, then g8_tool_search and g8_call with discovery.
 */
export function fastToolList(cat: FastCatalogue, input: ListInput): ToolDefinition[] {
  const defs = cat.definitions[input.mode];
  const who = input.identity;
  const tools: ToolDefinition[] = [];
  for (const t of input.tools) {
    if (who && !who.unrestricted && !scopeAllows(who.scopes, t.spec.scope)) continue;
    if (input.discovery && !input.core.has(t.name)) continue;
    const def = defs[t.name];
    if (!def) throw new Error(`${t.name}: missing from ${CATALOGUE_FILE}; rebuild`);
    tools.push(def);
  }
  tools.push(whoamiDefinition);
  if (input.discovery) tools.push(toolSearchDefinition, callDefinition);
  return tools;
}
