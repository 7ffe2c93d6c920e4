/**
 * GET /: a read-only status page for the demo org, server-rendered with inline CSS and no
 * external assets. Every value goes through `esc`; tokens are never read, let alone shown.
 */

import { type ApiKeyRow, publicKey } from '../kernel/keys.js';
import type { Db } from '../module.js';
import { getMeta } from '../modules/kernel.js';
import { escapeHtml } from '../util/text.js';

/** Any cell value as escaped text; null and undefined are empty. */
function esc(value: unknown): string {
  return escapeHtml(value === null || value === undefined ? '' : String(value));
}

function epoch(value: number | null): string {
  return value === null ? '—' : new Date(value * 1000).toISOString().replace('.000Z', 'Z');
}

function table(headers: readonly string[], rows: readonly (readonly unknown[])[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d232a}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.05rem;margin-top:2rem;border-bottom:1px solid #dde2e8;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eef1f4;vertical-align:top}
th{background:#f6f8fa;font-weight:600}.muted{color:#66707a}.empty{color:#66707a;font-style:italic}
.pill{display:inline-block;padding:.1rem .5rem;border-radius:999px;background:#eef4ff;color:#1a4fb4;font-weight:600}
code{font-family:ui-monospace,monospace;font-size:12px}`;

export function renderHome(db: Db, baseUrl: string): string {
  const orgId = getMeta(db, 'demo_org_id') ?? '';
  const org = db
    .prepare<[string], { id: string; name: string; credits: number; is_agency: number }>(
      'SELECT id, name, credits, is_agency FROM orgs WHERE id = ?',
    )
    .get(orgId);
  const keys = db
    .prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE org_id = ? ORDER BY created_at DESC')
    .all(orgId)
    .map(publicKey);
  const outbox = db
    .prepare<[string], { kind: string; summary: string; created_at: string }>(
      'SELECT kind, summary, created_at FROM outbox WHERE org_id = ? ORDER BY id DESC LIMIT 50',
    )
    .all(orgId);
  const requests = db
    .prepare<
      [string],
      { timestamp: string; method: string; path: string; status: number; request_id: string }
    >(
      'SELECT timestamp, method, path, status, request_id FROM request_log WHERE org_id = ? ORDER BY id DESC LIMIT 50',
    )
    .all(orgId);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>graph8 sandbox — ${esc(org?.name)}</title><style>${CSS}</style></head>
<body>
<h1>graph8 sandbox · ${esc(org?.name ?? 'no org')}</h1>
<p class="muted">Org <code>${esc(org?.id)}</code> · API <code>${esc(baseUrl)}/api/v1</code> ·
<a href="/api/v1/openapi.json">OpenAPI</a> · credits <span class="pill">${esc(org?.credits ?? 0)}</span></p>
<h2>API keys</h2>
${table(
  ['Name', 'Mode', 'Scopes', 'Owner', 'Created', 'Expires', 'Last used'],
  keys.map((k) => [
    k.name,
    k.mode,
    k.scopes.length === 0 ? 'unrestricted' : k.scopes.join(', '),
    k.created_by ?? '',
    epoch(k.created_at),
    epoch(k.expires_at),
    epoch(k.last_used_at),
  ]),
  'No keys.',
)}
<h2>Outbox <span class="muted">(effects that would have left graph8; nothing was sent)</span></h2>
${table(
  ['When', 'Kind', 'Summary'],
  outbox.map((o) => [o.created_at, o.kind, o.summary]),
  'Nothing yet.',
)}
<h2>Recent requests</h2>
${table(
  ['When', 'Method', 'Path', 'Status', 'Request id'],
  requests.map((r) => [r.timestamp, r.method, r.path, r.status, r.request_id]),
  'No requests yet.',
)}
</body></html>`;
}
