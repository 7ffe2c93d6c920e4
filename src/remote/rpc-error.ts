/** JSON-RPC errors answered at the HTTP level, carrying the request's id when it is known. */
import type { ServerResponse } from 'node:http';
import type { RequestId } from './rpc-ids.js';

export function rpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: string | number | null = null,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Puts `id` into a JSON-RPC error the transport answers at the HTTP level with `id: null` (it
 * never reads the id for those). Error answers are small JSON bodies: held until the end,
 * patched, sent; nothing else is touched.
 */
export function echoIdOnErrors(res: ServerResponse, id: RequestId): void {
  const writeHead = res.writeHead;
  let held: Buffer[] | undefined;
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
    const headers = rest.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r)) as
      | Record<string, unknown>
      | undefined;
    const type = String(
      headers?.['content-type'] ?? headers?.['Content-Type'] ?? this.getHeader('content-type') ?? '',
    );
    if (status >= 400 && type.includes('application/json')) {
      held = [];
      if (headers)
        for (const name of Object.keys(headers)) {
          if (name.toLowerCase() === 'content-length') delete headers[name];
        }
      this.removeHeader('content-length');
    }
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, status, ...rest);
  } as typeof res.writeHead;
  const write = res.write;
  const end = res.end;
  const hold = (chunk: unknown) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      held?.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    }
  };
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (!held) return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    hold(chunk);
    return true;
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (!held) return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    hold(chunk);
    let text = Buffer.concat(held).toString('utf8');
    held = undefined;
    try {
      const message = JSON.parse(text) as { error?: unknown; id?: unknown };
      if (message && typeof message === 'object' && message.error && message.id === null) {
        text = JSON.stringify({ ...message, id });
      }
    } catch {
      // Not JSON after all: sent as it was.
    }
    return (end as (...args: unknown[]) => ServerResponse).call(this, text);
  } as typeof res.end;
}
