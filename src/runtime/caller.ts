/**
 * Binds the REST client to one credential and one tool call: picks the retry class from the
 * tool's tier and the method, adds an Idempotency-Key to each POST of a non-read tool, and carries
 * the call's cancellation signal. A confirmed call's keys derive from its confirmation state id
 * (`baseKey`), so the same confirmation re-sent anywhere is the same request to graph8.
 */

import { type ApiClient, ApiClient as Client } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { RetryClass } from '../api/retry.js';
import type { RestCaller, RestRequest, RestResult, Tier } from '../catalogue/types.js';

export function retryClassFor(tier: Tier, method: RestRequest['method']): RetryClass {
  if (method === 'GET' || tier === 'read') return 'safe';
  return tier === 'external' ? 'once' : 'keyed';
}

export function bindCaller(
  api: ApiClient,
  apiKey: string,
  tier: Tier,
  signal?: AbortSignal,
  baseKey?: string,
): RestCaller {
  let posts = 0;
  const nextKey = () => {
    posts += 1;
    if (!baseKey) return Client.newIdempotencyKey();
    return posts === 1 ? baseKey : `${baseKey}.${posts}`;
  };
  return {
    async call(request: RestRequest): Promise<RestResult> {
      const keyed = request.method === 'POST' && tier !== 'read';
      return api.request(
        {
          ...request,
          retry: retryClassFor(tier, request.method),
          ...(keyed ? { idempotencyKey: nextKey() } : {}),
          ...(signal ? { signal } : {}),
        },
        apiKey,
      );
    },
    isStatus(error: unknown, status: number): boolean {
      return error instanceof ApiError && error.status === status;
    },
  };
}
