/**
 * The approval page's open approvals: each one exact call, its caller, and whether a person has
 * approved it. What the page (src/remote/approval/routes.ts) and the call path need of them is
 * `ApprovalBook`; this file keeps them in the memory of this process (one replica, or no
 * G8_REDIS_URL). With G8_REDIS_URL they are in Redis (redis-approvals.ts), so a preview made on
 * one replica is approved on another.
 * Every change of status is a step from `pending` that succeeds once, so an approval acts once.
 */
import { randomBytes } from 'node:crypto';
import type { ApprovalDesk, ApprovalRequest } from '../mcp/approvals.js';
import { callKey } from '../mcp/confirmation.js';

export type ApprovalStatus = 'pending' | 'approved' | 'declined' | 'claimed';

/** What the page shows and checks: a snapshot, changed only through the book. */
export interface Approval {
  readonly id: string;
  readonly key: string;
  /** The MCP caller: `key:<hash>` or `grant:<id>` (mcp-auth.ts). */
  readonly owner: string;
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly summary: string;
  readonly expiresAt: number;
  readonly status: ApprovalStatus;
  /** The browser and page the last view was shown to (hashes), for the form's checks. */
  readonly browserHash?: string | undefined;
  readonly csrfHash?: string | undefined;
}

/** What a view of the page records: its browser and form (hashes). */
export interface ApprovalView {
  readonly browserHash: string;
  readonly csrfHash: string;
}

/** A "Sign in with graph8" started from the page: its state (hashed) and PKCE verifier. */
export interface UpstreamSignIn {
  readonly stateHash: string;
  readonly verifier: string;
}

export interface ApprovalBook extends ApprovalDesk {
  readonly ttlSeconds: number;
  /** A live approval by the id in its URL. */
  get(id: string): Promise<Approval | undefined>;
  /** Records the view just shown, so that only its form is accepted. */
  view(id: string, view: ApprovalView): Promise<void>;
  /** pending → approved or declined; false (nothing changed) when it was no longer pending. */
  settle(id: string, status: 'approved' | 'declined'): Promise<boolean>;
  startSignIn(id: string, signIn: UpstreamSignIn): Promise<void>;
  /**
   * The live, pending approval whose graph8 sign-in came back with this state (hashed), with its
   * verifier; the state is forgotten, so it is used once.
   */
  takeSignIn(stateHash: string): Promise<{ approval: Approval; verifier: string } | undefined>;
}

/** The shared book (Redis) did not answer: the page says to try again shortly. */
export class ApprovalsUnavailableError extends Error {}

/** Bounds on what one caller opens: its previews cannot crowd out another caller's approvals. */
export const MAX_PER_OWNER = 20;
/** Bounds this process's memory (the Redis book is bounded per owner and by expiry). */
const MAX_OPEN = 2_000;

/** A new pending approval of exactly this call, and the URL of its page. */
export function newApproval(
  base: URL,
  request: ApprovalRequest,
  expiresAt: number,
): { approval: Approval; url: string } {
  const id = randomBytes(24).toString('base64url');
  const approval: Approval = {
    id,
    key: callKey(request.who, request.binding, request.args),
    owner: request.who,
    tool: request.tool,
    args: request.args,
    summary: request.summary,
    expiresAt,
    status: 'pending',
  };
  return { approval, url: new URL(`/approve/${id}`, base).href };
}

interface Held {
  approval: Approval;
  signIn?: UpstreamSignIn | undefined;
}

export class Approvals implements ApprovalBook {
  readonly #byId = new Map<string, Held>();
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

  async open(request: ApprovalRequest): Promise<string> {
    this.#sweep();
    // Full: the oldest open approval goes (of this caller first; it is the nearest to expiring).
    const own = [...this.#byId.values()].filter((h) => h.approval.owner === request.who);
    if (own.length >= MAX_PER_OWNER) this.#byId.delete((own[0] as Held).approval.id);
    else if (this.#byId.size >= MAX_OPEN) this.#byId.delete(this.#byId.keys().next().value as string);
    const { approval, url } = newApproval(this.#base, request, this.#now() + this.#ttlMs);
    this.#byId.set(approval.id, { approval });
    return url;
  }

  async claim(who: string, binding: string, args: unknown): Promise<string | undefined> {
    const key = callKey(who, binding, args);
    for (const held of this.#byId.values()) {
      const { approval } = held;
      if (approval.key === key && approval.status === 'approved' && approval.expiresAt > this.#now()) {
        held.approval = { ...approval, status: 'claimed' };
        return approval.id;
      }
    }
    return undefined;
  }

  async get(id: string): Promise<Approval | undefined> {
    return this.#live(id)?.approval;
  }

  async view(id: string, view: ApprovalView): Promise<void> {
    const held = this.#live(id);
    if (held) held.approval = { ...held.approval, ...view };
  }

  async settle(id: string, status: 'approved' | 'declined'): Promise<boolean> {
    const held = this.#live(id);
    if (held?.approval.status !== 'pending') return false;
    held.approval = { ...held.approval, status };
    return true;
  }

  async startSignIn(id: string, signIn: UpstreamSignIn): Promise<void> {
    const held = this.#live(id);
    if (held) held.signIn = signIn;
  }

  async takeSignIn(stateHash: string): Promise<{ approval: Approval; verifier: string } | undefined> {
    for (const held of this.#byId.values()) {
      if (held.signIn?.stateHash !== stateHash) continue;
      const { verifier } = held.signIn;
      held.signIn = undefined;
      const live = held.approval.status === 'pending' && held.approval.expiresAt > this.#now();
      return live ? { approval: held.approval, verifier } : undefined;
    }
    return undefined;
  }

  #live(id: string): Held | undefined {
    const held = this.#byId.get(id);
    return held && held.approval.expiresAt > this.#now() ? held : undefined;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, held] of this.#byId) if (held.approval.expiresAt <= now) this.#byId.delete(id);
  }
}
