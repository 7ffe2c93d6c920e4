/**
 * Per-principal call limits across replicas: two servers on one Redis prefix with
 * G8_CALLS_PER_MIN_PER_PRINCIPAL=30 (a burst of 3, then one call every 2 s). One key's calls,
 * alternating between the replicas, get the burst once between them, not once per replica; the
 * refused ones reach nothing upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteServer } from '../../src/remote/server.js';
import { httpRaw } from '../helpers/modern-raw.js';
import { type Replicas, startReplicas } from '../helpers/replicas.js';

let replicas: Replicas;

beforeAll(async () => {
  replicas = await startReplicas({ G8_CALLS_PER_MIN_PER_PRINCIPAL: '30' });
});

afterAll(() => replicas?.close());

async function search(server: RemoteServer) {
  const answer = await httpRaw(`http://127.0.0.1:${server.port}/mcp`, replicas.stack.sandbox.demoKey).request(
    'tools/call',
    { name: 'g8_search_contacts', arguments: { limit: 1 } },
  );
  return answer.response.result as { isError?: boolean; structuredContent?: { error?: { code?: string } } };
}

describe('the per-principal call rate on Redis', () => {
  it('one key calling A and B in turn gets one burst between them; the rest are refused before graph8', async () => {
    const upstream = () =>
      replicas.stack.proxy.requests.filter((r) => r.url.startsWith('/api/v1/contacts')).length;
    const before = upstream();
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await search(i % 2 === 0 ? replicas.a : replicas.b));
    const admitted = results.filter((r) => !r.isError).length;
    // The burst of 3 (a slow machine may earn a 4th while they run); per replica it would be 6.
    expect(admitted).toBeGreaterThanOrEqual(3);
    expect(admitted).toBeLessThanOrEqual(4);
    for (const r of results.filter((x) => x.isError)) {
      expect(r.structuredContent?.error?.code).toBe('principal_rate_limited');
    }
    expect(upstream() - before).toBe(admitted);
  });
});
