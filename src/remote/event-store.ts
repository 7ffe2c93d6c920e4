/**
 * The SSE event store of 2025 sessions, so a client that lost its stream reconnects with
 * Last-Event-ID and gets what it missed (the SDK transport asks the store; the store only keeps).
 * One store per session (the SDK names every session's GET stream alike), in memory and bounded:
 * - event ids come from one counter per store, so an id is never reused, even for a stream that
 *   was forgotten and written to again;
 * - streams are forgotten least recently written first, and the session's GET stream (where a
 *   question to the user may wait) last;
 * - the events held stay under a byte budget, oldest dropped first.
 * With Redis, a shared session keeps its events there instead (shared-sessions/event-store.ts),
 * falling back to this store while Redis does not answer.
 */
import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

const PER_STREAM = 100;
const MAX_STREAMS = 32;
const MAX_BYTES = 512 * 1024;
/** The SDK transport's id for a session's standalone GET stream. */
const GET_STREAM = '_GET_stream';

interface Held {
  readonly id: string;
  readonly seq: number;
  readonly message: JSONRPCMessage;
  readonly bytes: number;
}

export class MemoryEventStore implements EventStore {
  readonly #streams = new Map<string, Held[]>();
  readonly #streamOf = new Map<string, string>();
  #next = 1;
  #bytes = 0;

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const events = this.#streams.get(streamId) ?? [];
    // Most recently written last: the first entries are the ones to forget.
    this.#streams.delete(streamId);
    this.#streams.set(streamId, events);
    const seq = this.#next++;
    const id = `${streamId}_${seq}`;
    const bytes = JSON.stringify(message).length;
    events.push({ id, seq, message, bytes });
    this.#streamOf.set(id, streamId);
    this.#bytes += bytes;
    if (events.length > PER_STREAM) this.#drop(events.shift());
    this.#trim(streamId);
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const streamId = this.#streamOf.get(eventId);
    return streamId !== undefined && this.#streams.has(streamId) ? streamId : undefined;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const streamId = this.#streamOf.get(lastEventId);
    const events = streamId === undefined ? undefined : this.#streams.get(streamId);
    if (streamId === undefined || !events) return '';
    const after = Number(lastEventId.slice(streamId.length + 1));
    for (const event of events) {
      if (event.seq > after) await send(event.id, event.message);
    }
    return streamId;
  }

  #drop(event: Held | undefined): void {
    if (!event) return;
    this.#bytes -= event.bytes;
    this.#streamOf.delete(event.id);
  }

  /** Forgets streams over the count, then events over the byte budget; never the one just written. */
  #trim(current: string): void {
    while (this.#streams.size > MAX_STREAMS || this.#bytes > MAX_BYTES) {
      const victim = this.#oldest(current);
      if (victim === undefined) {
        // Only the stream just written is left over budget: keep its newest event at least.
        const own = this.#streams.get(current) as Held[];
        while (own.length > 1 && this.#bytes > MAX_BYTES) this.#drop(own.shift());
        return;
      }
      const events = this.#streams.get(victim) as Held[];
      if (this.#streams.size > MAX_STREAMS) {
        for (const e of events) this.#drop(e);
        this.#streams.delete(victim);
      } else {
        this.#drop(events.shift());
        if (events.length === 0 && victim !== GET_STREAM) this.#streams.delete(victim);
      }
    }
  }

  /** The least recently written stream other than `current`, the GET stream only when alone. */
  #oldest(current: string): string | undefined {
    let get: string | undefined;
    for (const [id, events] of this.#streams) {
      if (id === current) continue;
      if (id === GET_STREAM) {
        if (events.length) get = id;
        continue;
      }
      return id;
    }
    return get;
  }
}
