/**
 * A small scored full-text search over title + content: term frequency (title hits weigh 3×,
 * content hits capped so one long document cannot win on repetition) times inverse document
 * frequency, plus a bonus for the exact phrase. Scores map to 0..1 so they read as confidence.
 */

export interface SearchDoc {
  id: string;
  section: string;
  title: string;
  content: string;
}

export interface Hit {
  document_id: string;
  section: string;
  title: string;
  snippet: string;
  score: number;
}

const STOPWORDS = new Set(
  'a an and are as at be by do does for from how i in is it of on or our the to we what when where which who why with you your'.split(
    ' ',
  ),
);

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:['’][a-z]+)?/g) ?? [];
}

function queryTerms(query: string): string[] {
  const all = tokenize(query);
  const useful = all.filter((t) => t.length > 1 && !STOPWORDS.has(t));
  return [...new Set(useful.length > 0 ? useful : all)];
}

function count(tokens: readonly string[], term: string): number {
  let n = 0;
  for (const t of tokens) if (t === term || (term.length >= 4 && t.startsWith(term))) n++;
  return n;
}

/** ~240 characters around the first matching term, cut at word boundaries. */
export function snippetOf(content: string, terms: readonly string[]): string {
  const flat = content.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  const positions = terms
    .map((t) => lower.search(new RegExp(`\\b${t.replace(/[^a-z0-9]/g, '')}`)))
    .filter((p) => p >= 0);
  const at = positions.length > 0 ? Math.min(...positions) : 0;
  let start = Math.max(0, at - 80);
  let end = Math.min(flat.length, at + 160);
  if (start > 0) start = flat.indexOf(' ', start) + 1 || start;
  if (end < flat.length) end = flat.lastIndexOf(' ', end) > start ? flat.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}

export function search(docs: readonly SearchDoc[], query: string): Hit[] {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const tokenized = docs.map((d) => ({ doc: d, title: tokenize(d.title), body: tokenize(d.content) }));
  const df = new Map(
    terms.map((t) => [t, tokenized.filter((d) => count(d.title, t) + count(d.body, t) > 0).length]),
  );
  const phrase = query.trim().toLowerCase();
  const hits: Hit[] = [];
  for (const d of tokenized) {
    let raw = 0;
    for (const t of terms) {
      const tf = 3 * count(d.title, t) + Math.min(5, count(d.body, t));
      if (tf === 0) continue;
      raw += tf * Math.log(1 + docs.length / (df.get(t) ?? 1));
    }
    if (raw === 0) continue;
    if (phrase.includes(' ') && `${d.doc.title} ${d.doc.content}`.toLowerCase().includes(phrase)) raw += 4;
    hits.push({
      document_id: d.doc.id,
      section: d.doc.section,
      title: d.doc.title,
      snippet: snippetOf(d.doc.content, terms),
      score: Math.round((1 - Math.exp(-raw / 8)) * 1000) / 1000,
    });
  }
  return hits.sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
}
