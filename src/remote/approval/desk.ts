/**
 * The open approvals of this process: each one exact call, its caller, and whether a person has
 * approved it. In memory: an approval is asked for and approved within minutes, on the replica
 * that served the preview (a shared store would let any replica serve the page; see README).
 */
import { randomBytes } from 'node:crypto';
import type { ApprovalDesk, ApprovalRequest } from '../../mcp/approvals.js';
import { callKey } from '../../mcp/confirmation.js';

export type ApprovalStatus = 'pending' | 'approved' | 'declined' | 'claimed';

export interface Approval {
  readonly id: string;
  readonly key: string;
  /** The MCP caller: `key:<hash>` or `grant:<id>` (mcp-auth.ts). */
  readonly owner: string;
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly summary: string;
  readonly expiresAt: number;
  status: ApprovalStatus;
  /** The browser and page the last view was shown to (hashes), for the form's checks. */
  browserHash?: string;
  csrfHash?: string;
  /** A "Sign in with graph8" under way: its upstream state (hashed) and PKCE verifier. */
  upstreamStateHash?: string;
  upstreamVerifier?: string;
}

/** Bounds on memory: a caller's previews cannot crowd out another caller's open approvals. */
const MAX_OPEN = 2_000;
const MAX_PER_OWNER = 20;

export class Approvals implements ApprovalDesk {
  readonly #byId = new Map<string, Approval>();
  readonly #base: URL;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(publicUrl: URL, ttlSeconds: number, now: () => number = Date.now) {
    this.#base = publicUrl;
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
  }

  get ttlSeconds(): number {
    return this.#ttlMs / 1000;
  }

  open(request: ApprovalRequest): string {
    this.#sweep();
    // Full: the oldest open approval goes (of this caller first; it is the nearest to expiring).
    const own = [...this.#byId.values()].filter((a) => a.owner === request.who);
    if (own.length >= MAX_PER_OWNER) this.#byId.delete((own[0] as Approval).id);
    else if (this.#byId.size >= MAX_OPEN) this.#byId.delete(this.#byId.keys().next().value as string);
    const id = randomBytes(24).toString('base64url');
    this.#byId.set(id, {
      id,
      key: callKey(request.who, request.binding, request.args),
      owner: request.who,
      tool: request.tool,
      args: request.args,
      summary: request.summary,
      expiresAt: this.#now() + this.#ttlMs,
      status: 'pending',
    });
    return new URL(`/approve/${id}`, this.#base).href;
  }

  claim(who: string, binding: string, args: unknown): string | undefined {
    const key = callKey(who, binding, args);
    for (const approval of this.#byId.values()) {
      if (approval.key === key && approval.status === 'approved' && approval.expiresAt > this.#now()) {
        approval.status = 'claimed';
        return approval.id;
      }
    }
    return undefined;
  }

  /** A live approval by the id in its URL. */
  get(id: string): Approval | undefined {
    const approval = this.#byId.get(id);
    return approval && approval.expiresAt > this.#now() ? approval : undefined;
  }

  /** The live, pending approval whose graph8 sign-in came back with this state (hashed). */
  byUpstreamState(stateHash: string): Approval | undefined {
    for (const approval of this.#byId.values()) {
      if (approval.upstreamStateHash === stateHash && approval.status === 'pending') {
        return approval.expiresAt > this.#now() ? approval : undefined;
      }
    }
    return undefined;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, approval] of this.#byId) if (approval.expiresAt <= now) this.#byId.delete(id);
  }
}
