/**
 * The README's generated blocks about the catalogue: the binding counts, the tool table (one row
 * per toolset and mode, as tools/ declares them) and the size of each mode's tools/list, taken
 * from the checked-in snapshots (test/snapshots/), so adding a tool changes the README only by
 * regeneration (`npm run readme`).
 */
import type { Catalogue } from './select.js';
import type { ToolSpec } from './types.js';

export function bindingCounts(catalogue: Catalogue): string {
  const total = catalogue.shared.length + catalogue.dev.length + catalogue.gtm.length;
  return `**${total} tool bindings** (${catalogue.shared.length} shared, ${catalogue.dev.length} developer-mode, ${catalogue.gtm.length} GTM-mode)`;
}

function rows(specs: readonly ToolSpec[], suffix: string): string[] {
  const byToolset = new Map<string, string[]>();
  for (const spec of specs) {
    const names = byToolset.get(spec.toolset) ?? [];
    names.push(`\`${spec.name}\``);
    byToolset.set(spec.toolset, names);
  }
  return [...byToolset].map(([toolset, names]) => `| ${toolset}${suffix} | ${names.join(', ')} |`);
}

export function toolsTable(catalogue: Catalogue): string {
  return [
    '| Group | Tools |',
    '|---|---|',
    ...rows(catalogue.shared, ''),
    ...rows(catalogue.dev, ' (dev)'),
    ...rows(catalogue.gtm, ' (gtm)'),
  ].join('\n');
}

/** tools/list of one mode, discovery off and on, as the snapshots hold them. */
export interface ModeLists {
  readonly mode: string;
  readonly off: readonly unknown[];
  readonly on: readonly unknown[];
}

/** Tokens estimated at 4 characters of compact JSON each, as npm run bench counts them. */
export function listTokens(tools: readonly unknown[]): number {
  return Math.ceil(JSON.stringify({ tools }).length / 4);
}

export function sizeTable(lists: readonly ModeLists[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    '| Mode | Discovery off: tools | ≈ tokens | Discovery on: tools | ≈ tokens |',
    '|---|---|---|---|---|',
    ...lists.map(
      (l) =>
        `| ${l.mode} | ${l.off.length} | ${n(listTokens(l.off))} | ${l.on.length} | ${n(listTokens(l.on))} |`,
    ),
  ].join('\n');
}
