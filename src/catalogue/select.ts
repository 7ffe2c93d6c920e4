/**
 * Turns mode + filters into the list of tools a server exposes. Pure: the catalogue is passed in,
 * so this module never depends on tools/ (tools depend on the catalogue, not the reverse).
 */

import { ConfigError } from '../platform/errors.js';
import type { Mode, Tier, ToolSpec, Toolset } from './types.js';

/**
 * What selection reads of a spec. The shipped ToolSpec has it; so do the light entries of the
 * catalogue generated at build time (dist/catalogue.json), which stdio's fast start-up selects from.
 */
export type SelectableSpec = Pick<ToolSpec, 'name' | 'description' | 'toolset' | 'tier'>;

export interface Catalogue<S extends SelectableSpec = ToolSpec> {
  readonly shared: readonly S[];
  readonly dev: readonly S[];
  readonly gtm: readonly S[];
  /** GTM names that collide with dev names, and the names they take in `all` mode. */
  readonly gtmAliases: Readonly<Record<string, string>>;
  /** Names (as in `all` mode) listed from the start when discovery is on. */
  readonly core: readonly string[];
}

export interface Selection {
  readonly mode: Mode;
  readonly toolsets?: readonly string[] | undefined;
  readonly tools?: readonly string[] | undefined;
  readonly readOnly?: boolean | undefined;
}

/** A tool as one server exposes it: the spec plus the name it goes by in this mode. */
export interface ExposedTool<S extends SelectableSpec = ToolSpec> {
  readonly name: string;
  readonly spec: S;
}

export const MODES: readonly Mode[] = ['dev', 'gtm', 'all'];
export const TOOLSETS: readonly Toolset[] = [
  'contacts',
  'companies',
  'enrichment',
  'sequences',
  'inbox',
  'audience',
  'crm',
  'repos',
  'campaigns',
  'knowledge',
];

export class SelectionError extends ConfigError {}

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

/** Every tool of a mode, under the name it has in that mode, in catalogue order. */
export function toolsForMode<S extends SelectableSpec>(
  catalogue: Catalogue<S>,
  mode: Mode,
): ExposedTool<S>[] {
  const plain = (spec: S): ExposedTool<S> => ({ name: spec.name, spec });
  if (mode === 'dev') return [...catalogue.shared, ...catalogue.dev].map(plain);
  if (mode === 'gtm') return [...catalogue.shared, ...catalogue.gtm].map(plain);
  return [
    ...[...catalogue.shared, ...catalogue.dev].map(plain),
    ...catalogue.gtm.map((spec) => {
      const aliased = aliasGtm(spec, catalogue.gtmAliases);
      return { name: aliased.name, spec: aliased };
    }),
  ];
}

const aliasCache = new WeakMap<SelectableSpec, SelectableSpec>();

/**
 * A GTM spec as `all` mode shows it: its name and every mention of a colliding tool in its
 * description take the g8_gtm_* alias (there, the plain names belong to the dev tools). Cached so
 * each spec is rewritten once and downstream caches keyed by spec keep working.
 */
function aliasGtm<S extends SelectableSpec>(spec: S, aliases: Readonly<Record<string, string>>): S {
  let aliased = aliasCache.get(spec) as S | undefined;
  if (!aliased) {
    const names = Object.keys(aliases);
    const pattern = new RegExp(`\\b(${names.join('|')})\\b`, 'g');
    aliased = {
      ...spec,
      name: aliases[spec.name] ?? spec.name,
      description: names.length
        ? spec.description.replace(pattern, (n) => aliases[n] ?? n)
        : spec.description,
    };
    aliasCache.set(spec, aliased);
  }
  return aliased;
}

const READ_TIERS: readonly Tier[] = ['read'];

/**
 * Toolsets and explicit tool names add up (a union): `G8_TOOLSETS=inbox` plus
 * `G8_TOOLS=g8_get_contact` exposes the inbox tools and that one tool. Read-only then narrows.
 */
export function selectTools<S extends SelectableSpec>(
  catalogue: Catalogue<S>,
  selection: Selection,
): ExposedTool<S>[] {
  if (!isMode(selection.mode)) {
    throw new SelectionError(`Unknown mode "${selection.mode}". Valid modes: ${MODES.join(', ')}`);
  }
  const all = toolsForMode(catalogue, selection.mode);
  const toolsets = selection.toolsets ?? [];
  const names = selection.tools ?? [];
  const badSets = toolsets.filter((t) => !(TOOLSETS as readonly string[]).includes(t));
  if (badSets.length) {
    throw new SelectionError(
      `Unknown toolset "${badSets.join('", "')}". Valid toolsets: ${TOOLSETS.join(', ')}`,
    );
  }
  const known = new Set(all.map((t) => t.name));
  const badNames = names.filter((n) => !known.has(n));
  if (badNames.length) {
    throw new SelectionError(
      `Unknown tool "${badNames.join('", "')}" in mode ${selection.mode}. Valid tools: ${[...known].join(', ')}`,
    );
  }
  let tools = all;
  if (toolsets.length || names.length) {
    const sets = new Set<string>(toolsets);
    const picked = new Set(names);
    tools = all.filter((t) => sets.has(t.spec.toolset) || picked.has(t.name));
  }
  if (selection.readOnly) tools = tools.filter((t) => READ_TIERS.includes(t.spec.tier));
  return tools;
}

/** The core set under this mode's names: a GTM alias maps back to its plain name in `gtm` mode. */
export function coreForMode<S extends SelectableSpec>(
  catalogue: Catalogue<S>,
  mode: Mode,
  exposed: readonly ExposedTool<S>[],
): string[] {
  const plain = new Map(Object.entries(catalogue.gtmAliases).map(([name, alias]) => [alias, name]));
  const names = new Set(exposed.map((t) => t.name));
  return catalogue.core.map((n) => (mode === 'gtm' ? (plain.get(n) ?? n) : n)).filter((n) => names.has(n));
}
