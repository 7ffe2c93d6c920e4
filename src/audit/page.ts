/**
 * The /audit pages, server-rendered like the consent page: no script, nothing external, one
 * inline stylesheet allowed by its hash. The sign-in page offers the consent page's two ways in;
 * the trail page shows the filters, the hourly chart and one page of records.
 */
import { createHash } from 'node:crypto';
import { escapeHtml, htmlPage } from '../auth/consent/page.js';
import type { Reader } from './access.js';
import { CALL_OUTCOMES } from './outcomes.js';
import type { AuditQuery } from './query.js';
import type { AuditRecord } from './record.js';
import type { AuditFacets } from './store.js';

const STYLE = `
:root{color-scheme:light dark;--fg:#14171f;--bg:#f6f7f9;--card:#fff;--muted:#4a5160;--accent:#1746a2;--line:#d5d9e0}
@media (prefers-color-scheme:dark){:root{--fg:#eef0f4;--bg:#12141a;--card:#1c1f27;--muted:#b8bfcc;--accent:#8fb0ff;--line:#363b47}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:76rem;margin:1.5rem auto;padding:1.25rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
main.narrow{max-width:34rem}
h1{font-size:1.3rem;margin:0 0 .5rem}
p{color:var(--muted)}
header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap}
form{margin:0}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:1rem 0}
label{display:block;font-weight:600;font-size:.85rem}
input,select{padding:.4rem;font:inherit;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
main.narrow input{width:100%}
button{font:inherit;font-weight:600;padding:.45rem .9rem;border-radius:6px;border:1px solid var(--accent);cursor:pointer;background:var(--accent);color:var(--card)}
button.quiet{background:transparent;color:var(--accent)}
main.narrow button{width:100%;margin-top:.75rem}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.error{border:1px solid #b3261e;color:#b3261e;padding:.5rem .75rem;border-radius:8px}
.chart{width:100%;height:auto;margin:.5rem 0 1rem}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
td:nth-child(-n+8){white-space:nowrap}
td code{display:block;min-width:16rem;font-size:.8rem;overflow-wrap:anywhere}
nav{display:flex;gap:1rem;justify-content:space-between;margin-top:.75rem}
a{color:var(--accent)}
.small{font-size:.85rem}
.or{text-align:center;margin:1rem 0 0}
`;

export const AUDIT_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

function layout(title: string, body: string, narrow = false): string {
  return htmlPage(title, STYLE, body, narrow ? 'narrow' : undefined);
}

function csrfField(csrf: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
}

export interface SignInView {
  readonly serverHost: string;
  readonly csrf: string;
  readonly upstreamAvailable: boolean;
  readonly error?: string | undefined;
}

export function renderSignIn(view: SignInView): string {
  const error = view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : '';
  const graph8 = view.upstreamAvailable
    ? `<form method="post" action="/audit/sign-in">
${csrfField(view.csrf)}
<button type="submit" name="action" value="graph8">Sign in with graph8</button>
</form>
<p class="or">or</p>`
    : '';
  return layout(
    'Audit trail: sign in',
    `<h1>Audit trail</h1>
${error}
<p>What AI agents did through <strong>${escapeHtml(view.serverHost)}</strong> in your organisation's name.
Org admins can read it: sign in with graph8, or use an unrestricted API key of the org (or one with <code>account:write</code>).</p>
${graph8}
<form method="post" action="/audit/sign-in">
${csrfField(view.csrf)}
<label for="api_key">graph8 API key</label>
<input id="api_key" name="api_key" type="password" autocomplete="off" spellcheck="false" required placeholder="g8_live_…">
<p class="small">Checked with graph8 and not kept: this browser gets a sign-in for an hour.</p>
<button class="quiet" type="submit" name="action" value="api_key">Use this API key</button>
</form>`,
    true,
  );
}

export interface TrailView {
  readonly reader: Reader;
  readonly csrf: string;
  readonly query: AuditQuery;
  readonly facets: AuditFacets;
  readonly records: readonly AuditRecord[];
  readonly total: number;
  readonly chart: string;
  readonly error?: string | undefined;
}

function options(values: readonly string[], selected: string | undefined, all: string): string {
  return [`<option value="">${escapeHtml(all)}</option>`]
    .concat(
      values.map(
        (v) =>
          `<option value="${escapeHtml(v)}"${v === selected ? ' selected' : ''}>${escapeHtml(v)}</option>`,
      ),
    )
    .join('');
}

function day(ms: number | undefined, endOfDay = false): string {
  if (ms === undefined) return '';
  return new Date(endOfDay ? ms - 1 : ms).toISOString().slice(0, 10);
}

/** The page's query string with one value changed (the pagination links keep the filters). */
function withPage(q: AuditQuery, page: number): string {
  const params = new URLSearchParams();
  if (q.tool) params.set('tool', q.tool);
  if (q.outcome) params.set('outcome', q.outcome);
  if (q.client) params.set('client', q.client);
  if (q.from !== undefined) params.set('from', new Date(q.from).toISOString());
  if (q.to !== undefined) params.set('to', new Date(q.to).toISOString());
  params.set('page', String(page));
  return `/audit?${escapeHtml(params.toString())}`;
}

function row(r: AuditRecord): string {
  const cell = (v: string | number | null) => `<td>${v === null ? '' : escapeHtml(String(v))}</td>`;
  const client = [r.clientName, r.clientVersion].filter(Boolean).join(' ');
  const who = r.user ? `${r.principal} (${r.user})` : r.principal;
  return `<tr>${cell(new Date(r.at).toISOString().replace('T', ' ').slice(0, 19))}${cell(r.tool)}${cell(r.tier)}${cell(r.outcome)}${cell(r.approval)}${cell(r.httpStatus)}${cell(`${r.durationMs} ms`)}${cell(client || null)}${cell(who)}${cell(r.requestId)}<td><code>${escapeHtml(r.argsSummary)}</code></td></tr>`;
}

export function renderTrail(view: TrailView): string {
  const q = view.query;
  const error = view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : '';
  const pages = Math.max(1, Math.ceil(view.total / q.limit));
  const first = view.total === 0 ? 0 : (q.page - 1) * q.limit + 1;
  const last = Math.min(view.total, q.page * q.limit);
  const prev = q.page > 1 ? `<a href="${withPage(q, q.page - 1)}" rel="prev">Newer</a>` : '<span></span>';
  const next = q.page < pages ? `<a href="${withPage(q, q.page + 1)}" rel="next">Older</a>` : '<span></span>';
  const org = view.reader.orgName ? `${view.reader.orgName} (${view.reader.orgId})` : view.reader.orgId;
  const rows = view.records.length
    ? view.records.map(row).join('\n')
    : '<tr><td colspan="11">No records match.</td></tr>';
  return layout(
    'Audit trail',
    `<header>
<h1>Audit trail: ${escapeHtml(org)}</h1>
<form method="post" action="/audit/sign-out">${csrfField(view.csrf)}<span class="small">Signed in as ${escapeHtml(view.reader.label)}</span> <button class="quiet" type="submit">Sign out</button></form>
</header>
${error}
<form class="filters" method="get" action="/audit">
<div><label for="tool">Tool</label><select id="tool" name="tool">${options(view.facets.tools, q.tool, 'All tools')}</select></div>
<div><label for="outcome">Outcome</label><select id="outcome" name="outcome">${options(CALL_OUTCOMES, q.outcome, 'All outcomes')}</select></div>
<div><label for="client">Client</label><select id="client" name="client">${options(view.facets.clients, q.client, 'All clients')}</select></div>
<div><label for="from">From (UTC)</label><input id="from" name="from" type="date" value="${day(q.from)}"></div>
<div><label for="to">To (UTC, inclusive)</label><input id="to" name="to" type="date" value="${day(q.to, true)}"></div>
<div><button type="submit">Filter</button></div>
</form>
${view.chart}
<p class="small" role="status">${view.total === 0 ? 'No records' : `Records ${first}–${last} of ${view.total}`}, newest first. Times are UTC.</p>
<div class="scroll"><table>
<thead><tr><th>Time</th><th>Tool</th><th>Tier</th><th>Outcome</th><th>Approval</th><th>HTTP</th><th>Duration</th><th>Client</th><th>Principal</th><th>graph8 request</th><th>Arguments (redacted)</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>
<nav>${prev}<span class="small">Page ${q.page} of ${pages}</span>${next}</nav>`,
  );
}

export function renderAuditMessage(title: string, text: string): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(text)}</p>\n<p><a href="/audit">Back to the audit trail</a></p>`,
    true,
  );
}
