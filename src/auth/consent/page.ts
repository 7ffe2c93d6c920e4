/**
 * The consent page, server-rendered: no script, no external asset, one inline stylesheet allowed
 * by its hash. It names the client, where the browser goes back to and the access asked for, and
 * offers the two ways in (Sign in with graph8; paste an API key) plus Cancel.
 */
import { createHash } from 'node:crypto';

export interface ConsentView {
  readonly clientName: string;
  /** The client's metadata-document host (a name the client proved), or undefined if self-asserted. */
  readonly clientHost: string | undefined;
  readonly redirectTo: string;
  readonly serverHost: string;
  readonly scopes: readonly { readonly name: string; readonly description: string }[];
  readonly requestId: string;
  readonly csrf: string;
  readonly upstreamAvailable: boolean;
  readonly error?: string | undefined;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#14171f;--bg:#f6f7f9;--card:#fff;--muted:#4a5160;--accent:#1746a2;--line:#d5d9e0}
@media (prefers-color-scheme:dark){:root{--fg:#eef0f4;--bg:#12141a;--card:#1c1f27;--muted:#b8bfcc;--accent:#8fb0ff;--line:#363b47}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:34rem;margin:2rem auto;padding:1.5rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{font-size:1.35rem;margin:0 0 .75rem}
h2{font-size:1.05rem;margin:1.25rem 0 .5rem}
p,li,dd{color:var(--muted)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
code{font-size:.95em}
ul{padding-left:1.25rem;margin:.25rem 0}
form{margin:0}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input{width:100%;padding:.6rem;font:inherit;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg)}
button{font:inherit;font-weight:600;padding:.65rem 1rem;border-radius:8px;border:1px solid var(--accent);cursor:pointer;margin-top:.75rem}
.primary{background:var(--accent);color:var(--card);width:100%}
.secondary{background:transparent;color:var(--accent)}
.quiet{background:transparent;color:var(--muted);border-color:var(--line)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.error{border:1px solid #b3261e;color:#b3261e;padding:.5rem .75rem;border-radius:8px}
.or{text-align:center;margin:1rem 0 0}
.small{font-size:.875rem}
`;

/** CSP source for the inline stylesheet above. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A whole page around `body`; `style` must be the stylesheet whose hash the page's CSP names. */
export function htmlPage(title: string, style: string, body: string, mainClass?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main${mainClass ? ` class="${mainClass}"` : ''}>
${body}
</main>
</body>
</html>`;
}

/** A page in the consent page's style (the approval page uses it too). */
export function layout(title: string, body: string): string {
  return htmlPage(title, STYLE, body);
}

function hidden(view: ConsentView): string {
  return `<input type="hidden" name="request" value="${escapeHtml(view.requestId)}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">`;
}

export function renderConsent(view: ConsentView): string {
  const name = escapeHtml(view.clientName);
  const who = view.clientHost
    ? `<dd>${name} <span class="small">(published by <strong>${escapeHtml(view.clientHost)}</strong>)</span></dd>`
    : `<dd>${name} <span class="small">(name given by the app itself, not verified)</span></dd>`;
  const scopes = view.scopes
    .map((s) => `<li><code>${escapeHtml(s.name)}</code>: ${escapeHtml(s.description)}</li>`)
    .join('\n');
  const error = view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : '';
  const graph8 = view.upstreamAvailable
    ? `<form method="post" action="/authorize/consent">
${hidden(view)}
<button class="primary" type="submit" name="action" value="graph8">Sign in with graph8</button>
</form>
<p class="or">or</p>`
    : '';
  return layout(
    `Connect ${view.clientName} to graph8`,
    `<h1>Connect ${name} to graph8</h1>
${error}
<p>An app wants to use the graph8 tools on <strong>${escapeHtml(view.serverHost)}</strong> on your behalf.
Continue only if you started this connection yourself.</p>
<dl>
<dt>App</dt>
${who}
<dt>Returns to</dt>
<dd><code>${escapeHtml(view.redirectTo)}</code></dd>
</dl>
<h2>Access asked for</h2>
<ul>
${scopes}
</ul>
<h2>Choose how to sign in</h2>
${graph8}
<form method="post" action="/authorize/consent">
${hidden(view)}
<label for="api_key">graph8 API key</label>
<input id="api_key" name="api_key" type="password" autocomplete="off" spellcheck="false" required
  aria-describedby="api_key_help" placeholder="g8_live_…">
<p id="api_key_help" class="small">Create one in graph8 under Settings → API or Profile → Developer.
It is checked with graph8, stored encrypted, and never shown to the app.</p>
<button class="secondary" type="submit" name="action" value="api_key">Use this API key</button>
</form>
<form method="post" action="/authorize/consent">
${hidden(view)}
<button class="quiet" type="submit" name="action" value="deny" formnovalidate>Cancel</button>
</form>`,
  );
}

export function renderMessage(title: string, text: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(text)}</p>`);
}

/**
 * Headers for every page here (and /audit, with its own stylesheet): no framing (clickjacking), no
 * caching, nothing loaded, forms only to this server and the places a submission may end up (the
 * upstream sign-in, the client).
 */
export function pageHeaders(formTargets: readonly string[], styleHash = STYLE_HASH): Record<string, string> {
  const targets = ["'self'", ...new Set(formTargets)].join(' ');
  return {
    'Content-Security-Policy': `default-src 'none'; style-src ${styleHash}; form-action ${targets}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on the form
    // POST, and the origin check on /authorize/consent needs the real one.
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
