/**
 * The SSE event store of a shared 2025-era session (the SDK's EventStore), in Redis, so a client
 * that lost a stream reconnects with Last-Event-ID to ANY replica and gets what it missed:
 * - one Redis stream per SSE stream (`ev:<session>:<stream>`), capped at PER_STREAM events and kept
 *   KEEP_MS after its last event: bounded in size and time;
 * - an event's id is `<stream>_<entry id>`; Redis orders entry ids, so a replay is "every entry
 *   after this one" (XRANGE with an exclusive start): nothing lost, nothing repeated;
 * - when Redis does not answer, events go to this replica's own memory store (ids without the
 *   `<ms>-<n>` shape), so a session this replica holds carries on: its client can still resume
 *   here, just not elsewhere until Redis answers. After a failure Redis is not asked again for
 *   LOCAL_MS, so a Redis that hangs (rather than refuses) costs one command timeout, not one per event;
 * - `mute()`: while a rebuilt session is primed with its client's `initialize`, nothing is kept;
 * - a stream's priming event (the SDK's empty first event, there only to give the client an id to
 *   resume from) is not written: it gets the id before any entry (`0-1`), so resuming from it
 *   replays the whole stream. That halves the Redis writes of a tool call answered on SSE.
 */
import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import { MemoryEventStore } from '../event-store.js';

const PER_STREAM = 200;
export const KEEP_MS = 10 * 60_000;
/** A Redis stream entry id (`<ms>-<seq>`), as opposed to the memory store's counter. */
const ENTRY = /^\d+-\d+$/;
const LOCAL_MS = 5_000;
/** The id of a priming event: before every entry Redis can give (`XRANGE (0-1 +` is all of them). */
const BEFORE_ALL = '0-1';

function split(eventId: string): { stream: string; entry: string } | undefined {
  const at = eventId.lastIndexOf('_');
  if (at <= 0) return undefined;
  return { stream: eventId.slice(0, at), entry: eventId.slice(at + 1) };
}

export class RedisEventStore implements EventStore {
  readonly #redis: Redis;
  readonly #session: string;
  readonly #local = new MemoryEventStore();
  #muted = false;
  /** Until when events go to memory without asking Redis (after a failure). */
  #localUntil = 0;

  constructor(redis: Redis, sessionId: string) {
    this.#redis = redis;
    this.#session = sessionId;
  }

  #key(stream: string): string {
    return `ev:${this.#session}:${stream}`;
  }

  mute(on: boolean): void {
    this.#muted = on;
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    if (this.#muted) return `${streamId}_0-0`;
    // The SDK's priming event carries no message: nothing to keep, only a place to resume from.
    if (Object.keys(message).length === 0) return `${streamId}_${BEFORE_ALL}`;
    if (Date.now() < this.#localUntil || this.#redis.status !== 'ready') {
      return this.#local.storeEvent(streamId, message);
    }
    const key = this.#key(streamId);
    try {
      const [[error, entry] = [null, null]] =
        // One round trip; not MULTI: Redis would not undo the XADD if PEXPIRE failed anyway, and
        // the two extra commands cost measurably per event.
        (await this.#redis
          .pipeline()
          .xadd(key, 'MAXLEN', '~', PER_STREAM, '*', 'm', JSON.stringify(message))
          .pexpire(key, KEEP_MS)
          .exec()) ?? [];
      if (error || typeof entry !== 'string') throw error ?? new Error('no entry id');
      return `${streamId}_${entry}`;
    } catch {
      this.#localUntil = Date.now() + LOCAL_MS;
      return this.#local.storeEvent(streamId, message);
    }
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const parts = split(eventId);
    if (!parts) return undefined;
    if (!ENTRY.test(parts.entry)) return this.#local.getStreamIdForEventId(eventId);
    // A priming id names a stream that may have no entry yet (its answer is still coming).
    if (parts.entry === BEFORE_ALL) return parts.stream;
    return (await this.#redis.exists(this.#key(parts.stream))) ? parts.stream : undefined;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const parts = split(lastEventId);
    if (!parts) return '';
    if (!ENTRY.test(parts.entry)) return this.#local.replayEventsAfter(lastEventId, { send });
    const entries = await this.#redis.xrange(this.#key(parts.stream), `(${parts.entry}`, '+');
    for (const [entry, fields] of entries) {
      const text = fields[fields.indexOf('m') + 1];
      if (text === undefined) continue;
      await send(`${parts.stream}_${entry}`, JSON.parse(text) as JSONRPCMessage);
    }
    return parts.stream;
  }
}
