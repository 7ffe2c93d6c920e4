/**
 * The approval page: the exact call (tool, what it does, every argument) and one form to sign in
 * with the API key of the caller and approve or decline it. Same rules as the consent page: no
 * script, no framing, no caching, forms only to this server.
 */
import { escapeHtml, layout } from '../../auth/consent/page.js';
import type { Approval } from '../../stores/approvals.js';

export interface ApprovalView {
  readonly approval: Approval;
  readonly csrf: string;
  readonly serverHost: string;
  /** "Sign in with graph8" is set up (remote mode with an upstream issuer). */
  readonly upstreamAvailable: boolean;
  readonly error?: string | undefined;
}

export function renderApproval(view: ApprovalView): string {
  const { approval } = view;
  const error = view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : '';
  const args = escapeHtml(JSON.stringify(approval.args, null, 2));
  const action = `/approve/${encodeURIComponent(approval.id)}`;
  return layout(
    `Approve ${approval.tool}`,
    `<h1>Approve this action?</h1>
${error}
<p>An app connected to the graph8 tools on <strong>${escapeHtml(view.serverHost)}</strong> asks to run this,
and will run it only if you approve it here. Approve only if you expect it.</p>
<dl>
<dt>Tool</dt>
<dd><code id="tool">${escapeHtml(approval.tool)}</code></dd>
<dt>What it does</dt>
<dd id="summary">${escapeHtml(approval.summary)}</dd>
</dl>
<h2>Exactly these arguments</h2>
<pre id="arguments"><code>${args}</code></pre>
<h2>Sign in as the one who asked</h2>
${
  view.upstreamAvailable
    ? `<form method="post" action="${action}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<button class="primary" type="submit" name="action" value="graph8">Sign in with graph8 and approve</button>
</form>
<p class="or">or</p>`
    : ''
}
<form method="post" action="${action}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<label for="api_key">graph8 API key</label>
<input id="api_key" name="api_key" type="password" autocomplete="off" spellcheck="false" required
  aria-describedby="api_key_help" placeholder="g8_live_…">
<p id="api_key_help" class="small">The key the app uses, or a key of the graph8 user who signed the app in.
It is checked with graph8 and not stored.</p>
<button class="${view.upstreamAvailable ? 'secondary' : 'primary'}" type="submit" name="action" value="approve">Approve</button>
<button class="quiet" type="submit" name="action" value="decline" formnovalidate>Decline</button>
</form>`,
  );
}
