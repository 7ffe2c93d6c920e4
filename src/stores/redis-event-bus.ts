/**
 * `subscriptions/listen` across replicas: the SDK's `ServerEventBus` seam over Redis pub/sub. A
 * list change published on any replica reaches the open listen streams of every replica. The SDK
 * keeps the wire side (acknowledgement, filters, subscription ids); this only carries the events.
 *
 * Each replica delivers its own events at once through the SDK's in-process bus, and tags what it
 * sends to Redis with its own id, so it never hears an event twice. Redis pub/sub is at most once:
 * while Redis cannot answer, events still reach this replica's streams, not the others' (logged
 * once); a listen stream is a hint to list again, so a lost hint costs a stale list, not data.
 */
import { randomUUID } from 'node:crypto';
import { InMemoryServerEventBus, type ServerEvent, type ServerEventBus } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';

const KINDS = new Set([
  'tools_list_changed',
  'prompts_list_changed',
  'resources_list_changed',
  'resource_updated',
]);

/** An event from the channel, checked: only the four kinds the SDK knows, the URI a string. */
function eventOf(value: unknown): ServerEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as { kind?: unknown; uri?: unknown; params?: unknown };
  if (typeof event.kind !== 'string' || !KINDS.has(event.kind)) return undefined;
  if (event.kind === 'resource_updated' && typeof event.uri !== 'string') return undefined;
  if (event.params !== undefined && (typeof event.params !== 'object' || event.params === null))
    return undefined;
  return event as ServerEvent;
}

export class RedisEventBus implements ServerEventBus {
  readonly #local: InMemoryServerEventBus;
  readonly #origin = randomUUID();
  /** Logged once per outage, not once per event. */
  #failing = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly logger: { warn(obj: object, msg: string): void },
    onerror: (error: Error) => void,
  ) {
    this.#local = new InMemoryServerEventBus(onerror);
  }

  /**
   * Subscribes on a second connection (a subscribed connection runs nothing else). The channel
   * carries the key prefix, as keys do, so deployments sharing one Redis do not hear each other.
   */
  static async open(
    client: Redis,
    prefix: string,
    logger: { warn(obj: object, msg: string): void },
    onerror: (error: Error) => void,
  ): Promise<RedisEventBus> {
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    const bus = new RedisEventBus(client, subscriber, `${prefix}events`, logger, onerror);
    subscriber.on('message', (channel: string, message: string) => bus.#heard(channel, message));
    try {
      if (subscriber.status === 'wait') await subscriber.connect();
      // ioredis subscribes again by itself after a reconnect.
      await subscriber.subscribe(bus.channel);
    } catch (error) {
      subscriber.disconnect();
      throw error;
    }
    return bus;
  }

  publish(event: ServerEvent): void {
    this.#local.publish(event);
    this.publisher.publish(this.channel, JSON.stringify({ origin: this.#origin, event })).then(
      () => {
        this.#failing = false;
      },
      (error: unknown) => {
        if (this.#failing) return;
        this.#failing = true;
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'Redis did not answer: list changes reach only this replica’s listen streams until it does',
        );
      },
    );
  }

  subscribe(listener: (event: ServerEvent) => void): () => void {
    return this.#local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  #heard(channel: string, message: string): void {
    if (channel !== this.channel) return;
    let parsed: { origin?: unknown; event?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.origin === this.#origin) return;
    const event = eventOf(parsed.event);
    if (event) this.#local.publish(event);
  }
}
