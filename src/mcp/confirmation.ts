/**
 * Confirmation through input-required results (MCP 2026-07-28; the SDK's legacy shim serves the
 * same flow to 2025 clients as a pushed elicitation). A gated call answers with an elicitation and
 * a `requestState`; the user's answer comes back on a new request carrying that state.
 *
 * The state is the SDK's HMAC codec (keyed from G8_MCP_SECRET, or per process on stdio), so no
 * client or replica without the key can forge or alter it. Its payload names a fresh id and hashes
 * of the caller, the tool and the exact arguments, so it cannot be moved to another call. The SDK
 * verifies MAC and expiry before the handler runs; the binding and single use are checked here.
 *
 * A client that cannot elicit gets a preview whose `confirmation_token` is the same sealed state,
 * marked as a token (so neither can stand in for the other); the call acts only when it comes back
 * with that token and the same arguments. It proves the preview was produced for exactly this
 * call, not that a person saw it: the model can echo it.
 *
 * Single use: the first accepted answer claims the id and runs the call with the id as its
 * Idempotency-Key; every later request with the same state gets that first outcome back and sends
 * nothing (a client re-issuing an answered request after a broken stream must not send twice).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type CallToolResult,
  createRequestStateCodec,
  type InputRequiredResult,
  inputRequired,
  type RequestStateCodec,
} from '@modelcontextprotocol/server';
import { toolErrorResult } from './result.js';
import { type UsedStates, usedStatesInMemory } from './used-states.js';

export interface ConfirmState {
  /** Format version, so a later change can refuse old states instead of misreading them. */
  readonly v: 1;
  readonly id: string;
  readonly tool: string;
  readonly args: string;
  readonly who: string;
  /** `token`: a preview's confirmation_token, which is never a requestState (and the reverse). */
  readonly k?: 'token';
}

/** What a call's answer to the confirmation question means. */
export type Answer =
  | { readonly kind: 'none' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'declined'; readonly id: string }
  | { readonly kind: 'accepted'; readonly id: string };

/** What a `confirmation_token` sent with a call is worth. */
export type TokenAnswer =
  | { readonly kind: 'none' | 'invalid' | 'expired' | 'mismatch' }
  | { readonly kind: 'accepted'; readonly id: string };

export interface ConfirmationOptions {
  /** At least 32 bytes; every replica that may see the answer needs the same key. */
  readonly key: Uint8Array;
  /** Keys of earlier secrets (G8_MCP_SECRET_PREVIOUS): states they minted still verify. */
  readonly previousKeys?: readonly Uint8Array[];
  readonly ttlSeconds?: number;
  readonly used?: UsedStates;
}

const DEFAULT_TTL_SECONDS = 300;

function sha(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** JSON with object keys sorted, so the same arguments always hash the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** One call, as a key: the caller, the binding and the exact arguments (in any key order). */
export function callKey(who: string, tool: string, args: unknown): string {
  return `${sha(who)} ${tool} ${sha(canonical(args))}`;
}

export function isConfirmState(value: unknown): value is ConfirmState {
  const s = value as Partial<ConfirmState> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.v === 1 &&
    typeof s.id === 'string' &&
    typeof s.tool === 'string' &&
    typeof s.args === 'string' &&
    typeof s.who === 'string'
  );
}

const CONFIRM_KEY = 'confirm';

export class Confirmations {
  readonly #codec: RequestStateCodec<ConfirmState>;
  readonly #older: readonly RequestStateCodec<ConfirmState>[];
  readonly #used: UsedStates;
  readonly #ttlMs: number;
  readonly ttlSeconds: number;

  constructor(options: ConfirmationOptions) {
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.#codec = createRequestStateCodec<ConfirmState>({ key: options.key, ttlSeconds });
    this.#older = (options.previousKeys ?? []).map((key) =>
      createRequestStateCodec<ConfirmState>({ key, ttlSeconds }),
    );
    this.#ttlMs = ttlSeconds * 1000;
    this.ttlSeconds = ttlSeconds;
    this.#used = options.used ?? usedStatesInMemory();
  }

  /**
   * For ServerOptions.requestState.verify: MAC and expiry, before any handler runs. The newest key
   * minted it, or else (a secret rotated within a state's lifetime) an older one did: only a bad
   * MAC sends it to the next key; an expired or malformed state is refused as it is.
   */
  readonly verify = async (state: string): Promise<ConfirmState> => {
    try {
      return await this.#codec.verify(state, undefined as never);
    } catch (error) {
      if (!(error instanceof Error) || error.message !== 'mac') throw error;
      for (const codec of this.#older) {
        try {
          return await codec.verify(state, undefined as never);
        } catch (older) {
          if (!(older instanceof Error) || older.message !== 'mac') throw older;
        }
      }
      throw error;
    }
  };

  /** The question, as an input-required result carrying the sealed pending call. */
  async ask(who: string, tool: string, args: unknown, summary: string): Promise<InputRequiredResult> {
    const state = this.#state(who, tool, args);
    return inputRequired({
      inputRequests: {
        [CONFIRM_KEY]: inputRequired.elicit({
          message: `${summary} Proceed?`,
          requestedSchema: {
            type: 'object',
            properties: {
              confirm: { type: 'boolean', title: 'Proceed', description: summary, default: false },
            },
            required: ['confirm'],
          },
        }),
      },
      requestState: await this.#codec.mint(state),
    });
  }

  /** Reads a re-entry: the verified state (if any) and the user's answer. `tool` names the binding. */
  answer(
    state: unknown,
    responses: Record<string, unknown> | undefined,
    who: string,
    tool: string,
    args: unknown,
  ): Answer {
    if (state === undefined) return { kind: 'none' };
    if (!isConfirmState(state) || state.k === 'token') return { kind: 'mismatch' };
    if (state.tool !== tool || state.who !== sha(who) || state.args !== sha(canonical(args))) {
      return { kind: 'mismatch' };
    }
    const response = responses?.[CONFIRM_KEY] as
      | { action?: unknown; content?: { confirm?: unknown } }
      | undefined;
    const accepted = response?.action === 'accept' && response.content?.confirm === true;
    return accepted ? { kind: 'accepted', id: state.id } : { kind: 'declined', id: state.id };
  }

  /**
   * A preview's `confirmation_token`: the same sealed state as a question's requestState, marked
   * as a token, bound to the caller, the binding and the exact arguments, valid for the TTL.
   */
  token(who: string, tool: string, args: unknown): Promise<string> {
    return this.#codec.mint({ ...this.#state(who, tool, args), k: 'token' });
  }

  /**
   * Reads a `confirmation_token` sent back with a call. `accepted` only for a genuine, unexpired
   * token minted for this caller, binding and these arguments; what it proves is that the
   * preview was produced and the arguments did not change since, not that a person approved.
   */
  async redeem(token: unknown, who: string, tool: string, args: unknown): Promise<TokenAnswer> {
    if (token === undefined) return { kind: 'none' };
    if (typeof token !== 'string' || token.length > 4096) return { kind: 'invalid' };
    let state: unknown;
    try {
      state = await this.verify(token);
    } catch (error) {
      return { kind: error instanceof Error && error.message === 'expired' ? 'expired' : 'invalid' };
    }
    if (!isConfirmState(state) || state.k !== 'token') return { kind: 'invalid' };
    const expected = this.#state(who, tool, args);
    if (state.tool !== expected.tool || state.who !== expected.who || state.args !== expected.args) {
      return { kind: 'mismatch' };
    }
    return { kind: 'accepted', id: state.id };
  }

  #state(who: string, tool: string, args: unknown): ConfirmState {
    return { v: 1, id: randomUUID(), tool, args: sha(canonical(args)), who: sha(who) };
  }

  /**
   * Runs `act` once per state id; a second request with the same id gets the first outcome (or
   * waits for it while it is still running) and `act` is not called again.
   */
  once(id: string, act: () => Promise<CallToolResult>): Promise<CallToolResult> {
    return this.#used.once(id, this.#ttlMs, act, () =>
      toolErrorResult(
        'busy',
        'Too many confirmations are being remembered on this server right now; nothing was done.',
      ),
    );
  }
}

/** A key for one process (stdio): states never need to outlive it. */
export function processKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}
