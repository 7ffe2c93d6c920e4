/**
 * Confirmation before money or messages leave: destructive, billable and external tools do not
 * act on a call the user has not approved. A client that supports elicitation asks the user; any
 * other client gets a preview and must call again with `confirm: true` (graph8's convention) and
 * the preview's `confirmation_token` (confirmation.ts).
 * `dry_run: true` never needs approval: it only looks.
 */
import type { Tier, ToolSpec } from '../catalogue/types.js';

/** `strict` asks only through elicitation: a client without it is refused (confirmation_unavailable). */
export type ConfirmMode = 'auto' | 'strict' | 'never';

const GATED: ReadonlySet<Tier> = new Set(['destructive', 'billable', 'external']);

const EFFECT: Partial<Record<Tier, string>> = {
  destructive: 'Deletes or archives data; it cannot be undone here.',
  billable: 'Spends graph8 credits.',
  external: 'Reaches people or systems outside graph8 (email, SMS, LinkedIn, ad platforms or CRMs).',
};

export function isGated(spec: ToolSpec, mode: ConfirmMode): boolean {
  return mode !== 'never' && GATED.has(spec.tier);
}

/** A dry run only reads, so it needs no approval. */
export function isDryRun(input: unknown): boolean {
  return typeof input === 'object' && input !== null && (input as { dry_run?: unknown }).dry_run === true;
}

function firstSentence(text: string): string {
  const end = text.search(/[.:](\s|$)/);
  return (end > 0 ? text.slice(0, end) : text).trim();
}

function describeValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  return undefined;
}

/** One line for the user: what the tool does, to what, and what it costs or reaches. */
export function summarize(name: string, spec: ToolSpec, input: Readonly<Record<string, unknown>>): string {
  const args = Object.entries(input)
    .filter(([k, v]) => v !== undefined && v !== false && k !== 'body' && k !== 'content')
    .map(([k, v]) => [k, describeValue(v)] as const)
    .filter(([, v]) => v !== undefined)
    .slice(0, 5)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  // The spec's own effect: the tier's generic sentence would contradict many descriptions.
  const effect = spec.effect ?? EFFECT[spec.tier] ?? '';
  return `${name}: ${firstSentence(spec.description)}${args ? ` (${args})` : ''}. ${effect}`.trim();
}

/** Why a `confirmation_token` sent back did not act, in words for the model. */
const REFUSED: Record<'invalid' | 'expired' | 'mismatch', string> = {
  invalid: 'The confirmation_token sent is not one this server issued; nothing was done.',
  expired: 'The confirmation_token sent has expired; nothing was done.',
  mismatch:
    'The confirmation_token sent was issued for other arguments (or another caller); nothing was done.',
};

export interface PreviewOptions {
  /** Absent in strict mode, where only a person (the approval page) can confirm. */
  readonly token?: string | undefined;
  /** Remote mode: the page where a person signed in as the caller approves this exact call. */
  readonly approvalUrl?: string | undefined;
  readonly ttlSeconds: number;
  readonly hasDryRun: boolean;
  /** Set when the call brought a token that did not act. */
  readonly refused?: keyof typeof REFUSED | undefined;
}

/**
 * The preview a client without elicitation gets. Its `confirmation_token` proves, when it comes
 * back, that this preview was produced for exactly these arguments: not that a person approved.
 * Its `approval_url` (remote mode) is how a person approves.
 */
export function previewStructured(name: string, summary: string, input: unknown, o: PreviewOptions) {
  const minutes = Math.round(o.ttlSeconds / 60);
  const ways = [
    o.approvalUrl
      ? `ask the user to open approval_url, sign in and approve; then call ${name} again with the same arguments`
      : undefined,
    o.token
      ? `${o.approvalUrl ? 'or, ' : ''}if the user approves here, call ${name} again with the same arguments plus "confirm": true and "confirmation_token" from this preview`
      : undefined,
  ].filter(Boolean);
  return {
    confirmation_required: true,
    tool: name,
    summary,
    arguments: input,
    ...(o.approvalUrl ? { approval_url: o.approvalUrl } : {}),
    ...(o.token ? { confirmation_token: o.token } : {}),
    expires_in_seconds: o.ttlSeconds,
    ...(o.refused ? { token_refused: REFUSED[o.refused] } : {}),
    next: `Nothing was done. Show the summary to the user; ${ways.join('; ')} (valid ${minutes} minutes, once)${o.hasDryRun ? '; or first "dry_run": true to preview' : ''}. Other arguments need a new preview.`,
  };
}
