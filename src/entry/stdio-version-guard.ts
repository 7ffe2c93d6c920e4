/**
 * stdio's per-request version check. serveStdio checks the version of the message that opens a
 * connection, then passes everything to the pinned server; but on 2026-07-28 every request names
 * its protocol version, and one this server does not speak must get the unsupported-version error
 * (remote mode's createMcpHandler checks each request). This wrapper answers such a request itself
 * and hands every other message through untouched.
 */
import {
  type JSONRPCMessage,
  PROTOCOL_VERSION_META_KEY,
  type Transport,
  UnsupportedProtocolVersionError,
} from '@modelcontextprotocol/server';

/** The envelope revisions served (what server/discover lists as supportedVersions). */
export const MODERN_VERSIONS: readonly string[] = ['2026-07-28'];

function claimedVersion(message: JSONRPCMessage): string | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
  const claim = meta?.[PROTOCOL_VERSION_META_KEY];
  return typeof claim === 'string' ? claim : undefined;
}

export function withVersionGuard(inner: Transport): Transport {
  const outer: Transport = {
    start: () => inner.start(),
    send: (message, options) => inner.send(message, options),
    close: () => inner.close(),
  };
  inner.onclose = () => outer.onclose?.();
  inner.onerror = (error) => outer.onerror?.(error);
  inner.onmessage = (message, extra) => {
    const claim = claimedVersion(message);
    if (claim !== undefined && !MODERN_VERSIONS.includes(claim) && 'id' in message) {
      const error = new UnsupportedProtocolVersionError({
        supported: [...MODERN_VERSIONS],
        requested: claim,
      });
      void inner
        .send({
          jsonrpc: '2.0',
          id: message.id,
          error: { code: error.code, message: error.message, data: error.data },
        } as JSONRPCMessage)
        .catch((e: unknown) => outer.onerror?.(e as Error));
      return;
    }
    outer.onmessage?.(message, extra);
  };
  return outer;
}
