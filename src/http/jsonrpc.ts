/**
 * The JSON-RPC messages of one POST /mcp body, checked the way the SDK's JSONRPCMessageSchema
 * checks them. The zod union costs tens of microseconds a message; the shape nearly every
 * message has (a request with plain params) is recognised by hand and everything else is
 * left to the schema, so the verdicts stay the SDK's.
 */
import {
  isInitializeRequest,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** The SDK's MAX_BATCH_SIZE: larger batches are refused before anything is parsed. */
export const MAX_BATCH = 100;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isId = (v: unknown): v is RequestId =>
  typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));

/**
 * A request whose keys are exactly jsonrpc/id/method[/params] and whose params carry no `_meta`
 * (or a `_meta` with nothing but a valid progressToken): the schema would accept it unchanged.
 */
function isPlainRequest(m: Record<string, unknown>): boolean {
  let keys = 0;
  for (const k in m) {
    if (k !== 'jsonrpc' && k !== 'id' && k !== 'method' && k !== 'params') return false;
    keys++;
  }
  if (m.jsonrpc !== '2.0' || !isId(m.id) || typeof m.method !== 'string') return false;
  if (m.params === undefined) return keys === 3;
  if (!isPlainObject(m.params)) return false;
  const meta = m.params._meta;
  if (meta === undefined) return true;
  if (!isPlainObject(meta)) return false;
  for (const k in meta) if (k !== 'progressToken') return false;
  return (
    meta.progressToken === undefined || typeof meta.progressToken === 'string' || isId(meta.progressToken)
  );
}

/** The messages, or undefined when one of them is not a JSON-RPC message. */
export function toMessages(body: unknown): JSONRPCMessage[] | undefined {
  const list = Array.isArray(body) ? body : [body];
  const out: JSONRPCMessage[] = [];
  for (const item of list) {
    if (isPlainObject(item) && isPlainRequest(item)) {
      out.push(item as unknown as JSONRPCMessage);
      continue;
    }
    const parsed = JSONRPCMessageSchema.safeParse(item);
    if (!parsed.success) return undefined;
    out.push(parsed.data);
  }
  return out;
}

/** The type checks below are structural: toMessages has already validated each message. */
export const isRequest = (m: JSONRPCMessage): m is JSONRPCRequest => 'method' in m && 'id' in m;
export const isNotification = (m: JSONRPCMessage): boolean => 'method' in m && !('id' in m);
export const isResponse = (m: JSONRPCMessage): m is JSONRPCMessage & { id: RequestId } =>
  !('method' in m) && ('result' in m || 'error' in m);
/** By the SDK's own schema, so a malformed initialize is treated exactly as the SDK treats it. */
export const isInitialize = (m: unknown): boolean =>
  (m as { method?: unknown } | null)?.method === 'initialize' && isInitializeRequest(m);

/** The body of a JSON-RPC error answered at the HTTP level (no request id is known). */
export function rpcErrorBody(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
}
