/**
 * Open 2025-era MCP sessions: one SDK transport and one Server each, bound to the credential owner
 * that opened it. Sessions end when idle for too long, and there are at most `max` of them (the
 * least recently used one is closed to make room). A Map keeps insertion order, so moving a session to the end on
 * every request makes the first entry the least recently used.
 */
import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { McpServer, Server } from '@modelcontextprotocol/server';

export interface Session {
  readonly id: string;
  readonly owner: string;
  readonly transport: NodeStreamableHTTPServerTransport;
  readonly server: McpServer | Server;
  lastSeen: number;
}

export interface SessionLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface SessionOptions {
  readonly idleMs: number;
  readonly max: number;
  readonly logger: SessionLogger;
  readonly now?: () => number;
}

export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #opts: SessionOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: SessionOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#sessions.size;
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
    return session;
  }

  add(entry: Omit<Session, 'lastSeen'>): void {
    const session: Session = { ...entry, lastSeen: this.#now() };
    while (this.#sessions.size >= this.#opts.max) {
      const oldest = this.#sessions.values().next().value as Session;
      this.#opts.logger.info({ session: oldest.id }, 'session limit reached; closing the least recent');
      this.end(oldest.id);
    }
    this.#sessions.set(session.id, session);
  }

  /** Closes a session; safe to call twice and from the transport's own onclose. */
  end(id: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
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
