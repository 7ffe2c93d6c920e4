/**
 * Ranking for g8_tool_search: a small BM25-like score over each tool's name, toolset, keywords
 * and description. Name and toolset hits weigh most; words common to many tools weigh little.
 */
import type { ExposedTool } from './select.js';

const STOP = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'for',
  'in',
  'on',
  'my',
  'me',
  'and',
  'or',
  'with',
  'by',
  'from',
  'g8',
  'i',
  'is',
  'it',
  'all',
  'get',
]);

/** Light stemming: enough that "syncs", "syncing" and "synced" meet "sync". */
function stem(word: string): string {
  return word.replace(/(ies)$/, 'y').replace(/(ing|ed|es|s)$/, '') || word;
}

export function terms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !STOP.has(w))
    .map(stem);
}

interface Indexed {
  tool: ExposedTool;
  fields: { weight: number; terms: Set<string> }[];
}

function index(tool: ExposedTool): Indexed {
  const { spec } = tool;
  return {
    tool,
    fields: [
      { weight: 3, terms: new Set(terms(tool.name)) },
      { weight: 2, terms: new Set(terms(spec.toolset)) },
      { weight: 2, terms: new Set(terms((spec.keywords ?? []).join(' '))) },
      { weight: 1, terms: new Set(terms(`${spec.title} ${spec.description}`)) },
    ],
  };
}

export interface Ranked {
  readonly tool: ExposedTool;
  readonly score: number;
}

export function rankTools(query: string, tools: readonly ExposedTool[]): Ranked[] {
  const q = [...new Set(terms(query))];
  if (!q.length) return [];
  const docs = tools.map(index);
  const df = new Map<string, number>();
  for (const term of q) {
    df.set(term, docs.filter((d) => d.fields.some((f) => f.terms.has(term))).length);
  }
  const n = docs.length;
  return docs
    .map((d) => {
      let score = 0;
      for (const term of q) {
        const idf = Math.log(1 + (n - (df.get(term) ?? 0) + 0.5) / ((df.get(term) ?? 0) + 0.5));
        for (const f of d.fields) if (f.terms.has(term)) score += f.weight * idf;
      }
      return { tool: d.tool, score };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name));
}
