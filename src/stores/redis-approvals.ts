/**
 * The approval page's open approvals in Redis (G8_REDIS_URL), so a preview made on one replica is
 * approved on any other, and the approved call claimed on any replica acts once. Each approval is
 * a hash that expires with it: the call (JSON, never changed, sealed with G8_MCP_SECRET: its
 * arguments may be a message's text, which has no business in Redis in the clear), its status, and
 * the last view's browser and form hashes. Every status change is one Lua step from the expected status, so two
 * replicas approving, declining or claiming at once change it once. A "Sign in with graph8" from the
 * page keeps its state under its hash, taken once (GETDEL), and its PKCE verifier sealed.
 *
 * Unlike the shared budgets there is no local fallback: an approval must be seen by the replica
 * that gets the next call. While Redis cannot answer, the page answers 503 (try again shortly), a
 * gated call gets its preview without an approval link, and nothing is claimed (logged once).
 */
import type { Redis } from 'ioredis';
import type { Sealer } from '../auth/crypto.js';
import { sha256Hex } from '../auth/crypto.js';
import type { ApprovalRequest } from '../mcp/approvals.js';
import { callKey } from '../mcp/confirmation.js';
import {
  type Approval,
  type ApprovalBook,
  type ApprovalStatus,
  ApprovalsUnavailableError,
  type ApprovalView,
  MAX_PER_OWNER,
  newApproval,
  type UpstreamSignIn,
} from './approvals.js';

/** KEYS[1] the approval's hash. ARGV: from, to → 1 when changed, 0 when it was not `from`. */
const STEP = `
if redis.call('HGET', KEYS[1], 'status') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'status', ARGV[2])
  return 1
end
return 0`;

/** KEYS[1] the approval's hash; ARGV field, value pairs: set only while the approval exists. */
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

type Command = (...args: (string | number)[]) => Promise<unknown>;

export class RedisApprovals implements ApprovalBook {
  readonly #step: Command;
  readonly #update: Command;
  /** Logged once per outage, not once per call. */
  #failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly base: URL,
    readonly ttlSeconds: number,
    private readonly sealer: Sealer,
    private readonly logger: { warn(obj: object, msg: string): void },
  ) {
    if (!('g8ApprovalStep' in redis)) {
      redis.defineCommand('g8ApprovalStep', { numberOfKeys: 1, lua: STEP });
      redis.defineCommand('g8ApprovalUpdate', { numberOfKeys: 1, lua: UPDATE });
    }
    const commands = redis as unknown as Record<string, Command>;
    this.#step = commands.g8ApprovalStep!.bind(redis);
    this.#update = commands.g8ApprovalUpdate!.bind(redis);
  }

  /** Undefined while Redis cannot answer: the preview then comes without an approval link. */
  async open(request: ApprovalRequest): Promise<string | undefined> {
    const ttlMs = this.ttlSeconds * 1000;
    const { approval, url } = newApproval(this.base, request, Date.now() + ttlMs);
    const { status, ...call } = approval;
    const owner = `appr-owner:${sha256Hex(request.who)}`;
    const index = `appr-call:${sha256Hex(approval.key)}`;
    try {
      const done = await this.redis
        .multi()
        .hset(`appr:${approval.id}`, 'call', this.#seal(approval.id, call), 'status', status)
        .pexpire(`appr:${approval.id}`, ttlMs)
        .sadd(index, approval.id)
        .pexpire(index, ttlMs)
        .zremrangebyscore(owner, '-inf', Date.now())
        // Past its cap, a caller's oldest approvals go: its previews cannot fill Redis.
        .zrange(owner, 0, -MAX_PER_OWNER)
        .zadd(owner, approval.expiresAt, approval.id)
        .pexpire(owner, ttlMs)
        .exec();
      const evicted = (done?.[5]?.[1] as string[] | undefined) ?? [];
      if (evicted.length) {
        await this.redis
          .multi()
          .del(...evicted.map((id) => `appr:${id}`))
          .zrem(owner, ...evicted)
          .exec();
      }
      this.#failing = false;
      return url;
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
  }

  /** Undefined while Redis cannot answer: nothing acts on an approval that cannot be claimed once. */
  async claim(who: string, binding: string, args: unknown): Promise<string | undefined> {
    try {
      const ids = await this.redis.smembers(`appr-call:${sha256Hex(callKey(who, binding, args))}`);
      for (const id of ids) {
        if (Number(await this.#step(`appr:${id}`, 'approved', 'claimed')) === 1) return id;
      }
      return undefined;
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
  }

  #seal(id: string, call: Omit<Approval, 'status'>): string {
    return this.sealer.seal(JSON.stringify(call), `approval:${id}`);
  }

  /** The call, or undefined if it does not open (another secret, or altered). */
  #open(id: string, sealed: string): Omit<Approval, 'status'> | undefined {
    try {
      return JSON.parse(this.sealer.open(sealed, `approval:${id}`)) as Omit<Approval, 'status'>;
    } catch {
      return undefined;
    }
  }

  /** A page's question to Redis: unanswered, the page says to try again (ApprovalsUnavailableError). */
  async #ask<T>(question: () => Promise<T>): Promise<T> {
    try {
      const answer = await question();
      this.#failing = false;
      return answer;
    } catch (error) {
      this.#failed(error);
      throw new ApprovalsUnavailableError('the open approvals cannot be read right now');
    }
  }

  #failed(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    this.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Redis did not answer: gated calls get previews without an approval link, and approval pages ask to try again, until it does',
    );
  }

  async get(id: string): Promise<Approval | undefined> {
    if (!/^[\w-]{1,64}$/.test(id)) return undefined;
    const held = await this.#ask(() => this.redis.hgetall(`appr:${id}`));
    const call = held.call ? this.#open(id, held.call) : undefined;
    if (!call) return undefined;
    const approval: Approval = {
      ...call,
      status: held.status as ApprovalStatus,
      browserHash: held.browserHash,
      csrfHash: held.csrfHash,
    };
    return approval.expiresAt > Date.now() ? approval : undefined;
  }

  async view(id: string, view: ApprovalView): Promise<void> {
    await this.#ask(() =>
      this.#update(`appr:${id}`, 'browserHash', view.browserHash, 'csrfHash', view.csrfHash),
    );
  }

  async settle(id: string, status: 'approved' | 'declined'): Promise<boolean> {
    return Number(await this.#ask(() => this.#step(`appr:${id}`, 'pending', status))) === 1;
  }

  async startSignIn(id: string, signIn: UpstreamSignIn): Promise<void> {
    const sealed = this.sealer.seal(signIn.verifier, `approval-signin:${id}`);
    await this.#ask(() =>
      this.redis.set(
        `appr-signin:${signIn.stateHash}`,
        JSON.stringify({ id, sealed }),
        'PX',
        this.ttlSeconds * 1000,
      ),
    );
  }

  async takeSignIn(stateHash: string): Promise<{ approval: Approval; verifier: string } | undefined> {
    const held = await this.#ask(() => this.redis.getdel(`appr-signin:${stateHash}`));
    if (!held) return undefined;
    const { id, sealed } = JSON.parse(held) as { id: string; sealed: string };
    const approval = await this.get(id);
    if (approval?.status !== 'pending') return undefined;
    return { approval, verifier: this.sealer.open(sealed, `approval-signin:${id}`) };
  }
}
