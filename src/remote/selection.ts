/**
 * Tool selection from the /mcp URL: `?mode=dev|gtm|all`, `?toolsets=inbox,sequences` (alias
 * `groups`), `?tools=g8_get_contact`, `?read_only=1`. Absent parameters fall back to the server's
 * settings. Anything unknown is refused with the valid values, so a typo in a pasted URL is
 * reported instead of silently exposing a different tool set.
 *
 * Selections are computed once per distinct query and shared by every session that uses it.
 */
import { parse as parseQuery } from 'node:querystring';
import {
  type Catalogue,
  coreForMode,
  type ExposedTool,
  MODES,
  type Selection,
  selectTools,
} from '../catalogue/select.js';
import type { Mode } from '../catalogue/types.js';
import type { ReadOnlyBy } from '../mcp/unavailable.js';
import { UsageError } from '../platform/errors.js';

export class QueryError extends UsageError {}

/** What a session exposes; shared (frozen) by every session with the same query. */
export interface Selected {
  readonly mode: Mode;
  readonly tools: readonly ExposedTool[];
  /** Listed from the start when progressive discovery is on. */
  readonly coreTools: readonly string[];
  readonly toolNames: readonly string[];
  /** How the tools were chosen, and who made the selection read-only: for the hidden-tool errors. */
  readonly selection: Selection;
  readonly readOnlyBy?: ReadOnlyBy | undefined;
}

const PARAMS = ['mode', 'toolsets', 'groups', 'tools', 'read_only'] as const;
const TRUE = ['1', 'true', 'yes'];
const FALSE = ['0', 'false', 'no'];
const MAX_CACHED = 256;

type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new QueryError(`Give ${name} once, e.g. ?${name}=…`);
  return value;
}

function csv(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].sort();
}

export class SelectionCache {
  readonly #cache = new Map<string, Selected>();
  readonly #bySearch = new Map<string, Selected>();

  constructor(
    private readonly catalogue: Catalogue,
    private readonly defaults: Selection,
  ) {}

  /** The tools for this query; `forceReadOnly` when the caller's token only allows reads. */
  select(query: Query, forceReadOnly = false): Selected {
    const selection = this.parse(query, forceReadOnly);
    const readOnlyBy = this.#readOnlyBy(query, selection, forceReadOnly);
    const key = JSON.stringify([selection, readOnlyBy]);
    let selected = this.#cache.get(key);
    if (!selected) {
      const tools = Object.freeze(selectTools(this.catalogue, selection));
      selected = Object.freeze({
        mode: selection.mode,
        tools,
        coreTools: Object.freeze(coreForMode(this.catalogue, selection.mode, tools)),
        toolNames: Object.freeze(tools.map((t) => t.name)),
        selection,
        readOnlyBy,
      });
      if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(key, selected);
    }
    return selected;
  }

  /**
   * The tools for a URL's raw query string (what follows `?`), parsed once per distinct string: every
   * request of a client sends the same URL, and parsing it cost more per call than the rest of the
   * selection. Throws QueryError/SelectionError as `select` does (refusals are not cached).
   */
  forSearch(search: string, forceReadOnly = false): Selected {
    const key = `${forceReadOnly ? 'r' : 'w'}${search}`;
    const hit = this.#bySearch.get(key);
    if (hit) return hit;
    const selected = this.select(search ? (parseQuery(search) as Query) : {}, forceReadOnly);
    if (this.#bySearch.size >= MAX_CACHED)
      this.#bySearch.delete(this.#bySearch.keys().next().value as string);
    this.#bySearch.set(key, selected);
    return selected;
  }

  #readOnlyBy(query: Query, selection: Selection, forceReadOnly: boolean): ReadOnlyBy | undefined {
    if (!selection.readOnly) return undefined;
    if (forceReadOnly) return 'token';
    return query.read_only === undefined ? 'setting' : 'url';
  }

  parse(query: Query, forceReadOnly = false): Selection {
    const unknown = Object.keys(query).filter((k) => !(PARAMS as readonly string[]).includes(k));
    if (unknown.length) {
      throw new QueryError(
        `Unknown parameter "${unknown.join('", "')}" on /mcp. Valid parameters: mode, toolsets, tools, read_only`,
      );
    }
    const mode = single(query, 'mode') ?? this.defaults.mode;
    if (!(MODES as readonly string[]).includes(mode)) {
      throw new QueryError(`Unknown mode "${mode}". Valid modes: ${MODES.join(', ')}`);
    }
    const readOnlyText = single(query, 'read_only')?.toLowerCase();
    if (readOnlyText !== undefined && !TRUE.includes(readOnlyText) && !FALSE.includes(readOnlyText)) {
      throw new QueryError(`Invalid read_only "${readOnlyText}". Valid values: 1, 0, true, false`);
    }
    const readOnly =
      forceReadOnly ||
      (readOnlyText === undefined ? Boolean(this.defaults.readOnly) : TRUE.includes(readOnlyText));
    const toolsets = csv(single(query, 'toolsets') ?? single(query, 'groups')) ?? this.defaults.toolsets;
    const tools = csv(single(query, 'tools')) ?? this.defaults.tools;
    return { mode: mode as Selection['mode'], toolsets, tools, readOnly };
  }
}
