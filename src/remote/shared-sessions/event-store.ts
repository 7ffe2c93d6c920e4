/**
 * The SSE event store of a shared 2025-era session (the SDK's EventStore), in Redis, so a client
 * that lost a stream reconnects with Last-Event-ID to ANY replica and gets what it missed:
 * - one Redis stream per session (`ev:<session>`), each entry one event with the SSE stream it
 *   belongs to (`s`) and its message (`m`); entries older than KEEP_MS are trimmed as new ones come
 *   (XADD MINID), and the key expires KEEP_MS after the session's last event: bounded in time;
 * - an event's id is `<stream>_<entry id>`; Redis orders entry ids, so a replay is "every entry of
 *   that stream after this one" (XRANGE with an exclusive start, filtered): nothing lost, nothing
 *   repeated;
 * - one key per session, not per SSE stream: a tool call answered on SSE is its own stream, and a
 *   key per call would need its own expiry set with every event. With one key, an event is one
 *   XADD, and the key's expiry is pushed back only every REFRESH_MS (measured: a call's events cost
 *   one Redis command instead of three);
 * - when Redis does not answer, events go to this replica's own memory store (ids without the
 *   `<ms>-<n>` shape), so a session this replica holds carries on: its client can still resume
 *   here, just not elsewhere until Redis answers. After a failure Redis is not asked again for
 *   LOCAL_MS, so a Redis that hangs (rather than refuses) costs one command timeout, not one per event;
 * - `mute()`: while a rebuilt session is primed with its client's `initialize`, nothing is kept;
 * - a stream's priming event (the SDK's empty first event, there only to give the client an id to
 *   resume from) is not written: it gets the id before any entry (`0-1`), so resuming from it
 *   replays all of its stream.
 */
import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import { MemoryEventStore } from '../event-store.js';

export const KEEP_MS = 10 * 60_000;
/** How often a session's key gets its expiry pushed back to KEEP_MS (a tenth of it: ≥ 9 min kept). */
const REFRESH_MS = KEEP_MS / 10;
/** Entries read per XRANGE while replaying (a session's other streams are read and skipped). */
const PAGE = 500;
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

/** A field of a stream entry (Redis gives them as [name, value, name, value, …]). */
function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

export class RedisEventStore implements EventStore {
  readonly #redis: Redis;
  readonly #local = new MemoryEventStore();
  readonly #key: string;
  #muted = false;
  /** When this replica last pushed the key's expiry back (0: not yet). */
  #refreshedAt = 0;
  /** Redis's time (ms) of the last entry this store added: where trimming is reckoned from. */
  #lastEntryMs = 0;
  /** Until when events go to memory without asking Redis (after a failure). */
  #localUntil = 0;

  constructor(redis: Redis, sessionId: string) {
    this.#redis = redis;
    this.#key = `ev:${sessionId}`;
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
    const now = Date.now();
    const fields = ['s', streamId, 'm', JSON.stringify(message)];
    try {
      const adding = this.#lastEntryMs
        ? this.#redis.xadd(this.#key, 'MINID', '~', this.#lastEntryMs - KEEP_MS, '*', ...fields)
        : this.#redis.xadd(this.#key, '*', ...fields);
      if (now - this.#refreshedAt >= REFRESH_MS) {
        // After the XADD on the same connection (so the key exists), and in the same write when
        // the connection auto-pipelines; a failure only means the next event tries again.
        this.#refreshedAt = now;
        this.#redis.pexpire(this.#key, KEEP_MS).catch(() => {
          this.#refreshedAt = 0;
        });
      }
      const entry = await adding;
      if (typeof entry !== 'string') throw new Error('no entry id');
      this.#lastEntryMs = Number.parseInt(entry, 10);
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
    return (await this.#redis.exists(this.#key)) ? parts.stream : undefined;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const parts = split(lastEventId);
    if (!parts) return '';
    if (!ENTRY.test(parts.entry)) return this.#local.replayEventsAfter(lastEventId, { send });
    let after = parts.entry;
    for (;;) {
      const entries = await this.#redis.xrange(this.#key, `(${after}`, '+', 'COUNT', PAGE);
      for (const [entry, fields] of entries) {
        after = entry;
        if (field(fields, 's') !== parts.stream) continue;
        const text = field(fields, 'm');
        if (text !== undefined) await send(`${parts.stream}_${entry}`, JSON.parse(text) as JSONRPCMessage);
      }
      if (entries.length < PAGE) break;
    }
    return parts.stream;
  }
}
