/**
 * subscriptions/listen across replicas: two servers on one Redis prefix (as two replicas), each
 * with listen streams opened by the real SDK v2 client; a list change published on one reaches
 * the streams on both, once each. This server's own tools declare no list changes (its lists are
 * fixed per URL), so the servers here are a fixture that declares them, behind the real stack.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteServer } from '../../src/remote/server.js';
import { openRedis } from '../../src/stores/redis.js';
import { RedisEventBus } from '../../src/stores/redis-event-bus.js';
import { type Replicas, startReplicas } from '../helpers/replicas.js';

const fixture = () =>
  new McpServer(
    { name: 'listen-fixture', version: '1.0.0' },
    { capabilities: { resources: { listChanged: true }, tools: { listChanged: true } } },
  );

let replicas: Replicas;
/** The two replicas; list changes are published on them directly (RemoteServer.events). */
let a: RemoteServer;
let b: RemoteServer;

beforeAll(async () => {
  replicas = await startReplicas({}, { serve: { buildServer: fixture } });
  ({ a, b } = replicas);
});

afterAll(() => replicas?.close());

/** A v2 client listening on one replica; `heard` collects the list-change methods it receives. */
async function listenOn(server: RemoteServer) {
  const client = new Client(
    { name: 'listener', version: '1' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  const url = new URL(`/mcp`, `http://127.0.0.1:${server.port}`);
  await client.connect(
    new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { 'x-api-key': replicas.stack.sandbox.demoKey } },
    }),
  );
  const heard: string[] = [];
  client.setNotificationHandler('notifications/resources/list_changed', () => {
    heard.push('resources');
  });
  client.setNotificationHandler('notifications/tools/list_changed', () => {
    heard.push('tools');
  });
  const subscription = await client.listen({ resourcesListChanged: true });
  return { client, subscription, heard };
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
};

describe('subscriptions/listen on Redis pub/sub', () => {
  it('a list change published on A reaches the streams on A and on B, once each, and only what they asked for', async () => {
    const onA = await listenOn(a);
    const onB = await listenOn(b);
    try {
      expect(onB.subscription.honoredFilter).toEqual({ resourcesListChanged: true });
      a.events.publish({ kind: 'tools_list_changed' });
      a.events.publish({ kind: 'resources_list_changed' });
      await until(() => onA.heard.length > 0 && onB.heard.length > 0);
      // Give a duplicate (an echo through Redis) time to arrive, were there one.
      await new Promise((r) => setTimeout(r, 300));
      expect(onA.heard).toEqual(['resources']);
      expect(onB.heard).toEqual(['resources']);
      b.events.publish({ kind: 'resources_list_changed' });
      await until(() => onA.heard.length > 1);
      expect(onA.heard).toEqual(['resources', 'resources']);
    } finally {
      await onA.subscription.close();
      await onB.subscription.close();
      await onA.client.close();
      await onB.client.close();
    }
  });

  it('with Redis gone, an event still reaches this replica’s streams, and that is logged once', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_o: object, msg: string) => warnings.push(msg), info: () => {} };
    const { engines } = replicas;
    const client = await openRedis({ url: engines.redisUrl, prefix: engines.redisPrefix, logger });
    const bus = await RedisEventBus.open(client, engines.redisPrefix, logger, () => {});
    const heard: string[] = [];
    bus.subscribe((event) => heard.push(event.kind));
    client.disconnect();
    bus.publish({ kind: 'resources_list_changed' });
    bus.publish({ kind: 'tools_list_changed' });
    await until(() => warnings.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual(['resources_list_changed', 'tools_list_changed']);
    expect(warnings.filter((w) => w.includes('list changes reach only'))).toHaveLength(1);
    await bus.close();
  });

  it('ignores what is not a change event on the channel', async () => {
    const onB = await listenOn(b);
    try {
      const raw = replicas.engines.redis();
      await raw.publish(`${replicas.engines.redisPrefix}events`, 'not json');
      await raw.publish(
        `${replicas.engines.redisPrefix}events`,
        JSON.stringify({ origin: 'x', event: { kind: 'drop_tables' } }),
      );
      await raw.publish(
        `${replicas.engines.redisPrefix}events`,
        JSON.stringify({ origin: 'x', event: { kind: 'resources_list_changed' } }),
      );
      await until(() => onB.heard.length > 0);
      await new Promise((r) => setTimeout(r, 200));
      expect(onB.heard).toEqual(['resources']);
    } finally {
      await onB.subscription.close();
      await onB.client.close();
    }
  });
});
