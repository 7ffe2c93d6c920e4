/**
 * The sandbox's sign-in page: pick one of the seeded users (there are no passwords in a
 * sandbox). The authorization request travels in hidden fields and is validated again on POST.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../util/text.js';

export interface LoginUser {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: string;
  readonly orgName: string;
}

export interface LoginView {
  readonly clientName: string;
  readonly redirectHost: string;
  readonly scopes: string;
  readonly users: readonly LoginUser[];
  readonly params: Readonly<Record<string, string>>;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#16181d}
main{max-width:30rem;margin:2rem auto;background:#fff;border:1px solid #d6d9df;border-radius:12px;padding:1.5rem}
h1{font-size:1.3rem;margin-top:0}fieldset{border:1px solid #d6d9df;border-radius:8px}
label{display:block;padding:.35rem 0}button{font:inherit;font-weight:600;padding:.6rem 1rem;border-radius:8px;margin-top:1rem}
.primary{background:#1746a2;color:#fff;border:1px solid #1746a2}.quiet{background:#fff;border:1px solid #aab}
:focus-visible{outline:3px solid #1746a2;outline-offset:2px}.small{font-size:.875rem;color:#4a5160}`;

export const LOGIN_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const esc = escapeHtml;

export function renderLogin(view: LoginView): string {
  const hidden = Object.entries(view.params)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');
  const users = view.users
    .map(
      (u, i) =>
        `<label><input type="radio" name="user_id" value="${u.id}"${i === 0 ? ' checked' : ''}> ${esc(u.name)} <span class="small">${esc(u.email)} · ${esc(u.role)} · ${esc(u.orgName)}</span></label>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to graph8 (sandbox)</title><style>${STYLE}</style></head>
<body><main>
<h1>Sign in to graph8 (sandbox)</h1>
<p><strong>${esc(view.clientName)}</strong> asks to act for you; you will return to <code>${esc(view.redirectHost)}</code>.</p>
<p class="small">Scopes asked for: ${esc(view.scopes || "the user's own")}</p>
<form method="post" action="/oauth/authorize">
${hidden}
<fieldset><legend>Demo users</legend>
${users}
</fieldset>
<button class="primary" type="submit" name="action" value="login">Sign in</button>
<button class="quiet" type="submit" name="action" value="deny">Cancel</button>
</form>
</main></body></html>`;
}

export function renderError(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title><style>${STYLE}</style></head>
<body><main><h1>Sign-in error</h1><p role="alert">${esc(message)}</p></main></body></html>`;
}
