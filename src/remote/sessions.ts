/**
 * Open 2025-era MCP sessions: one SDK transport and one Server each, bound to the credential owner
 * that opened it (and the scopes its token carried). Sessions end when idle for too
 * long. Two caps, each closing a least recently used session to make room:
 * - per owner (`maxPerOwner`): one credential opening session after session only ever closes its
 *   own;
 * - in all (`max`), a backstop for many owners at once: the room is taken from the owner holding
 *   the most sessions, never from a tenant with a few.
 * A Map keeps insertion order, so moving a session to the end on every request makes the first
 * entry the least recently used — of everyone (#sessions) and of its owner (#byOwner).
 * With Redis (shared-sessions/), what is held here are this replica's copies of shared sessions:
 * the sweep and the caps close copies (rebuilt when needed), while the sessions themselves end in
 * Redis (idle expiry, the owner's cap across replicas, DELETE).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer, Server, Transport } from '@modelcontextprotocol/server';

/** A session's transport: the SDK's NodeStreamableHTTPServerTransport, or the shared one (shared-sessions/). */
export interface SessionTransport extends Transport {
  handleRequest(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>;
}

export interface Session {
  readonly id: string;
  readonly owner: string;
  /** The scopes of the token that opened it (undefined: an API key, every scope). */
  readonly scopes: readonly string[] | undefined;
  readonly transport: SessionTransport;
  readonly server: McpServer | Server;
  lastSeen: number;
}

export interface SessionLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface SessionOptions {
  readonly idleMs: number;
  /** Open sessions in all. */
  readonly max: number;
  /** Open sessions of one owner (default: `max`). */
  readonly maxPerOwner?: number;
  readonly logger: SessionLogger;
  readonly now?: () => number;
}

export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #byOwner = new Map<string, Map<string, Session>>();
  readonly #opts: SessionOptions;
  readonly #maxPerOwner: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: SessionOptions) {
    this.#opts = opts;
    this.#maxPerOwner = Math.min(opts.maxPerOwner ?? opts.max, opts.max);
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** How many sessions `owner` holds. */
  countOf(owner: string): number {
    return this.#byOwner.get(owner)?.size ?? 0;
  }

  /** Starts the idle sweep (a timer that never keeps the process alive). */
  start(): void {
    const every = Math.max(250, Math.min(60_000, Math.floor(this.#opts.idleMs / 4)));
    this.#timer = setInterval(() => this.sweep(), every);
    this.#timer.unref();
  }

  /** The session if it exists and belongs to `owner`; it counts as used. */
  claim(id: string, owner: string): Session | undefined {
    const session = this.#sessions.get(id);
    if (!session || session.owner !== owner) return undefined;
    session.lastSeen = this.#now();
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    const own = this.#byOwner.get(owner);
    own?.delete(id);
    own?.set(id, session);
    return session;
  }

  add(entry: Omit<Session, 'lastSeen'>): void {
    const session: Session = { ...entry, lastSeen: this.#now() };
    let own = this.#byOwner.get(session.owner);
    while (own && own.size >= this.#maxPerOwner) {
      const oldest = own.values().next().value as Session;
      this.#opts.logger.info(
        { session: oldest.id },
        'session limit of this owner reached; closing its least recent',
      );
      this.end(oldest.id);
      own = this.#byOwner.get(session.owner);
    }
    while (this.#sessions.size >= this.#opts.max) {
      const oldest = this.#oldestOfBusiest();
      this.#opts.logger.info(
        { session: oldest.id },
        'session limit reached; closing the least recent of the owner with the most',
      );
      this.end(oldest.id);
    }
    this.#sessions.set(session.id, session);
    own = this.#byOwner.get(session.owner);
    if (!own) {
      own = new Map();
      this.#byOwner.set(session.owner, own);
    }
    own.set(session.id, session);
  }

  /** The least recent session of the owner holding the most (of those, the longest unused). */
  #oldestOfBusiest(): Session {
    let pick: Session | undefined;
    let most = 0;
    for (const own of this.#byOwner.values()) {
      const oldest = own.values().next().value as Session;
      if (own.size > most || (own.size === most && pick && oldest.lastSeen < pick.lastSeen)) {
        most = own.size;
        pick = oldest;
      }
    }
    return pick as Session;
  }

  /** Closes a session; safe to call twice and from the transport's own onclose. */
  end(id: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    const own = this.#byOwner.get(session.owner);
    own?.delete(id);
    if (own?.size === 0) this.#byOwner.delete(session.owner);
    void session.transport.close().catch(() => {});
    void session.server.close().catch(() => {});
  }

  sweep(): void {
    const cutoff = this.#now() - this.#opts.idleMs;
    // Least recent first: stop at the first session still in use.
    for (const session of this.#sessions.values()) {
      if (session.lastSeen > cutoff) break;
      this.#opts.logger.debug({ session: session.id }, 'session idle; closed');
      this.end(session.id);
    }
  }

  closeAll(): void {
    if (this.#timer) clearInterval(this.#timer);
    for (const id of [...this.#sessions.keys()]) this.end(id);
  }
}
