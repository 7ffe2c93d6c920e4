/**
 * Redis pub/sub between the replicas that hold one 2025-era session: a channel per session, joined
 * by every replica serving it, carrying what must cross to the replica that has the other end:
 * - `client`: a client's message that landed here but belongs to a call elsewhere (the answer to
 *   another replica's question, addressed `to` that instance; a `notifications/cancelled`, to all);
 * - `server`: a server message with no request to ride on, for whichever replica holds the
 *   client's GET stream;
 * - `end`: the session ended (DELETE, or its owner's cap), so every replica closes its copy.
 * One subscriber connection per process (pub/sub takes a connection of its own). Channel names carry
 * the deployment's key prefix by hand: ioredis prefixes keys, not channels.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';

export type BusMessage =
  | { readonly kind: 'client'; readonly from: string; readonly to?: string; readonly message: JSONRPCMessage }
  | { readonly kind: 'server'; readonly from: string; readonly message: JSONRPCMessage }
  | { readonly kind: 'end'; readonly from: string };

export type BusHandler = (message: BusMessage) => void;

export class SessionBus {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #handlers = new Map<string, Set<BusHandler>>();

  constructor(redis: Redis, logger: { warn(obj: object, msg: string): void }) {
    this.#pub = redis;
    this.#prefix = redis.options.keyPrefix ?? '';
    // Subscriptions are re-made by ioredis after a reconnect; the offline queue holds them meanwhile.
    this.#sub = redis.duplicate({ keyPrefix: '', enableOfflineQueue: true, lazyConnect: false });
    this.#sub.on('error', () => {});
    this.#sub.on('message', (channel: string, text: string) => {
      const handlers = this.#handlers.get(channel);
      if (!handlers) return;
      let message: BusMessage;
      try {
        message = JSON.parse(text) as BusMessage;
      } catch {
        logger.warn({ channel }, 'unreadable session bus message ignored');
        return;
      }
      for (const handler of handlers) handler(message);
    });
  }

  #channel(sessionId: string): string {
    return `${this.#prefix}sess-bus:${sessionId}`;
  }

  /** Hears the session's channel until the returned function is called. */
  async join(sessionId: string, handler: BusHandler): Promise<() => void> {
    const channel = this.#channel(sessionId);
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      try {
        await this.#sub.subscribe(channel);
      } catch (error) {
        // Not heard: the next join must subscribe again.
        this.#handlers.delete(channel);
        throw error;
      }
    }
    handlers.add(handler);
    return () => {
      const set = this.#handlers.get(channel);
      set?.delete(handler);
      if (set?.size === 0) {
        this.#handlers.delete(channel);
        void this.#sub.unsubscribe(channel).catch(() => {});
      }
    };
  }

  async publish(sessionId: string, message: BusMessage): Promise<void> {
    await this.#pub.publish(this.#channel(sessionId), JSON.stringify(message));
  }

  close(): void {
    this.#sub.disconnect();
  }
}
