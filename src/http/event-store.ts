/**
 * The SSE event store of 2025 sessions, so a client that lost its stream reconnects with
 * Last-Event-ID and gets what it missed (the SDK transport asks the store; the store only keeps).
 * One store per session (the SDK names every session's GET stream alike), in memory and bounded:
 * the newest streams and events are kept. The shared-state work puts it on Redis.
 */
import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

const PER_STREAM = 100;
const MAX_STREAMS = 32;

export class MemoryEventStore implements EventStore {
  readonly #streams = new Map<string, { next: number; events: { id: string; message: JSONRPCMessage }[] }>();

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    let stream = this.#streams.get(streamId);
    if (!stream) {
      if (this.#streams.size >= MAX_STREAMS)
        this.#streams.delete(this.#streams.keys().next().value as string);
      stream = { next: 1, events: [] };
      this.#streams.set(streamId, stream);
    }
    const id = `${streamId}_${stream.next++}`;
    stream.events.push({ id, message });
    if (stream.events.length > PER_STREAM) stream.events.shift();
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const at = eventId.lastIndexOf('_');
    const streamId = at > 0 ? eventId.slice(0, at) : undefined;
    return streamId !== undefined && this.#streams.has(streamId) ? streamId : undefined;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const streamId = await this.getStreamIdForEventId(lastEventId);
    if (streamId === undefined) return '';
    const seq = Number(lastEventId.slice(streamId.length + 1));
    for (const event of this.#streams.get(streamId)?.events ?? []) {
      if (Number(event.id.slice(streamId.length + 1)) > seq) await send(event.id, event.message);
    }
    return streamId;
  }
}
