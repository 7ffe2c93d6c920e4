/**
 * 2025-era sessions that any replica can serve (with G8_REDIS_URL): a session opened on one replica
 * is a record in Redis (store.ts); a replica that gets a request for a session it does not hold
 * finds the record and builds its own copy (transport.ts), which joins the session's channel
 * (bus.ts) and keeps its events in Redis (event-store.ts). This replica's copies stay in the
 * SessionRegistry as before (its idle sweep and caps close copies, never the session itself);
 * ending the session (DELETE, or the owner's cap across replicas) closes every replica's copy.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SessionBus } from './bus.js';
import { RedisEventStore } from './event-store.js';
import { recordFor, type SessionRecord } from './record.js';
import { RedisSessionStore } from './store.js';
import { SharedSessionTransport } from './transport.js';

export interface SharedSessionsOptions {
  readonly idleMs: number;
  readonly maxPerOwner: number;
  readonly jsonResponse: boolean;
  readonly logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

export interface OpenSession {
  readonly owner: string;
  readonly scopes: readonly string[] | undefined;
  /** The URL's query string: its tool selection, rebuilt with the session elsewhere. */
  readonly search: string;
  /** The client's `initialize` params. */
  readonly params: unknown;
}

/** How often a used session renews its record at most: its idle expiry is this coarse. */
const TOUCH_EVERY_MS = 1_000;
/** How long the mark of a GET stream's holder lasts unless renewed. */
const GET_HOLD_MS = 30_000;

export class SharedSessions {
  readonly #redis: Redis;
  readonly #store: RedisSessionStore;
  readonly #bus: SessionBus;
  readonly #opts: SharedSessionsOptions;
  readonly #touched = new Map<string, number>();
  readonly #renewals = new Map<SharedSessionTransport, NodeJS.Timeout>();
  /** A session was opened locally in this outage already (logged once per outage). */
  #localNoted = false;

  constructor(redis: Redis, opts: SharedSessionsOptions) {
    this.#redis = redis;
    this.#opts = opts;
    this.#store = new RedisSessionStore(redis, { idleMs: opts.idleMs, maxPerOwner: opts.maxPerOwner });
    this.#bus = new SessionBus(redis, opts.logger);
    redis.on('ready', () => {
      this.#localNoted = false;
    });
  }

  /** A new session is served by this replica alone, Redis not answering (said once per outage). */
  openedLocally(error: unknown): void {
    if (this.#localNoted) return;
    this.#localNoted = true;
    this.#opts.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Redis did not answer: new 2025-era sessions are served by the replica that opens them until it does',
    );
  }

  /** A new session: its record written first (rejects when Redis does not answer), then its transport. */
  async open(init: OpenSession, onInitialized: (id: string) => void): Promise<SharedSessionTransport> {
    const id = randomUUID();
    const record = recordFor({ id, ...init }, init.params, Date.now());
    const evicted = await this.#store.open(record);
    for (const old of evicted) {
      this.#opts.logger.info(
        { session: old },
        'session limit of this owner reached; closed its least recent',
      );
      void this.#bus.publish(old, { kind: 'end', from: 'cap' }).catch(() => {});
    }
    return this.#transport(id, init.owner, onInitialized);
  }

  /** The record of a session this replica does not hold, if it is `owner`'s and alive; rejects when Redis does not answer. */
  async find(id: string, owner: string): Promise<SessionRecord | undefined> {
    const record = await this.#store.get(id);
    return record?.owner === owner ? record : undefined;
  }

  /** A copy of a found session, not yet primed (connect its Server, then `restore`). */
  rebuild(record: SessionRecord): Promise<SharedSessionTransport> {
    return this.#transport(record.id, record.owner);
  }

  /** The session was used: renew its idle time (at most every second; a failure is only a later expiry). */
  touch(id: string, owner: string): void {
    const now = Date.now();
    if (now - (this.#touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touched.set(id, now);
    void this.#store.touch(id, owner).catch(() => {});
  }

  async #transport(
    id: string,
    owner: string,
    onInitialized?: (id: string) => void,
  ): Promise<SharedSessionTransport> {
    let leave = () => {};
    const transport: SharedSessionTransport = new SharedSessionTransport({
      id,
      jsonResponse: this.#opts.jsonResponse,
      events: new RedisEventStore(this.#redis, id),
      publish: (message) => this.#bus.publish(id, message),
      leave: () => {
        this.#touched.delete(id);
        leave();
      },
      ...(onInitialized ? { onsessioninitialized: onInitialized } : {}),
      onsessionclosed: async () => {
        await this.#store.end(id, owner).catch(() => {
          this.#opts.logger.warn(
            { session: id },
            'Redis did not answer: the session ends here, elsewhere when idle',
          );
        });
        await this.#bus.publish(id, { kind: 'end', from: transport.tag }).catch(() => {});
      },
      onLogLevel: (level) => void this.#store.setLogLevel(id, owner, level).catch(() => {}),
      holdGet: (held) => this.#holdGet(id, transport, held),
      getElsewhere: async () => {
        const holder = await this.#store.getHolder(id);
        return holder !== null && holder !== transport.tag;
      },
      logger: this.#opts.logger,
    });
    leave = await this.#bus.join(id, (message) => transport.fromBus(message));
    return transport;
  }

  /** Keeps the GET stream's holder in Redis, renewed while it stays open (a killed replica's mark lapses). */
  #holdGet(id: string, transport: SharedSessionTransport, held: boolean): void {
    clearInterval(this.#renewals.get(transport));
    this.#renewals.delete(transport);
    void this.#store.holdGet(id, transport.tag, held ? GET_HOLD_MS : 0).catch(() => {});
    if (!held) return;
    const renew = setInterval(
      () => void this.#store.holdGet(id, transport.tag, GET_HOLD_MS).catch(() => {}),
      GET_HOLD_MS / 2,
    );
    renew.unref();
    this.#renewals.set(transport, renew);
  }

  close(): void {
    for (const renew of this.#renewals.values()) clearInterval(renew);
    this.#bus.close();
  }
}
