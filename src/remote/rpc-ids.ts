/** The JSON-RPC ids in a POST body (one message or a batch), for the answers made outside the SDK. */

export type RequestId = string | number;

const isId = (v: unknown): v is RequestId => typeof v === 'string' || typeof v === 'number';

function messagesOf(body: unknown): { id?: unknown; method?: unknown; params?: { requestId?: unknown } }[] {
  const list = Array.isArray(body) ? body : [body];
  return list.filter((m) => typeof m === 'object' && m !== null);
}

/** The ids of the requests in a body; notifications and responses have none. */
export function requestIds(body: unknown): RequestId[] {
  return messagesOf(body)
    .filter((m) => typeof m.method === 'string' && isId(m.id))
    .map((m) => m.id as RequestId);
}

/** The id of a body that is exactly one request, else `null`: what an HTTP-level error names. */
export function singleRequestId(body: unknown): RequestId | null {
  return Array.isArray(body) ? null : (requestIds(body)[0] ?? null);
}

/** The request ids a body cancels (`notifications/cancelled`). */
export function cancelledIds(body: unknown): RequestId[] {
  return messagesOf(body)
    .filter((m) => m.method === 'notifications/cancelled' && isId(m.params?.requestId))
    .map((m) => m.params?.requestId as RequestId);
}
