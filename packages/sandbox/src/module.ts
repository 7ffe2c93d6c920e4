/**
 * The contract between the sandbox kernel (HTTP, auth, rate limits, idempotency, logs, credits,
 * outbox) and its domain modules (contacts, sequences, inbox, …). A module owns its tables, its
 * seed data and its routes; the kernel owns everything that happens before and after a handler.
 *
 * Evaluation order (docs/api-contract.md §1.5): the kernel answers 401 → 429 → 403 (org guard, scope);
 * a handler then checks 422 (parse) → 400 (semantics) → 404 (ownership) → 409 (state) →
 * 402 (ctx.credits.debit) → side effect.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';

export type Db = Database.Database;

export interface Principal {
  readonly orgId: string;
  readonly keyId: string;
  /** Empty = unrestricted. */
  readonly scopes: readonly string[];
  readonly mode: 'live' | 'test';
  readonly userEmail: string | null;
}

export interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  /** Express-style path params (`:contact_id`), already decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Repeated keys arrive as arrays. */
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface Credits {
  balance(): number;
  /** Throws the 402 HttpError when the balance is short; call it last, just before the effect. */
  debit(amount: number, reason: string): void;
}

export interface Outbox {
  /** Records an effect that would leave graph8 (send, launch, push, trigger); nothing is sent. */
  record(kind: string, summary: string, payload: unknown): void;
}

export interface Ctx {
  readonly db: Db;
  readonly req: SandboxRequest;
  readonly auth: Principal;
  readonly requestId: string;
  /** Milliseconds since epoch; use it (not Date.now) so tests can reason about time. */
  now(): number;
  readonly credits: Credits;
  readonly outbox: Outbox;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Optional: what an Idempotency-Key replay returns instead of `body`, for replies that carry a
   * secret that must not be stored (a minted API key token is shown once). Defaults to `body`.
   */
  readonly replayBody?: unknown;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Express-style path under /api/v1, e.g. `/contacts/:contact_id`. */
  readonly path: string;
  /** Required scope (§1.9), or null for routes any valid key may call (GET /me). */
  readonly scope: string | null;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  readonly handler: (ctx: Ctx) => Reply | Promise<Reply>;
}

export interface SeedContext {
  /** The demo org every printed key belongs to. */
  readonly orgId: string;
  /** A second org, so tests can prove cross-org ids answer 404. */
  readonly otherOrgId: string;
  /** Deterministic PRNG in [0,1): the same database every first start. */
  readonly rng: () => number;
  readonly now: number;
}

export interface SandboxModule {
  readonly name: string;
  /** Ordered SQL migrations; the kernel applies each once and records it. Never edit a shipped one. */
  readonly migrations: readonly string[];
  /** Fills the module's tables on first start (both orgs). Runs after every module migrated. */
  seed(db: Db, seed: SeedContext): void;
  readonly routes: readonly Route[];
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(typeof body.detail === 'string' ? body.detail : `HTTP ${status}`);
  }
}

/** Error bodies in the contract's shapes (§1.5). */
export const fail = {
  badRequest: (detail: string | object) => new HttpError(400, { detail }),
  notFound: (detail: string) => new HttpError(404, { detail }),
  conflict: (detail: string | object) => new HttpError(409, { detail }),
  unprocessable: (loc: readonly (string | number)[], msg: string, type = 'value_error') =>
    new HttpError(422, { detail: [{ loc, msg, type }] }),
};

/** Success envelope (§1.3). */
export function ok(data: unknown, status = 200): Reply {
  return { status, body: { data } };
}

export function okList(data: readonly unknown[], pagination: Pagination): Reply {
  return { status: 200, body: { data, pagination } };
}

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  has_next: boolean;
  next_cursor: string | null;
}

/** Parses with zod; a failure becomes the FastAPI-style 422 with every issue's loc. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'path'): T {
  const result = schema.safeParse(value ?? (where === 'body' ? {} : value));
  if (result.success) return result.data;
  throw new HttpError(422, {
    detail: result.error.issues.map((issue) => ({
      loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      msg: issue.message,
      type: `value_error.${issue.code}`,
    })),
  });
}
