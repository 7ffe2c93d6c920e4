/** Which era's leg serves a request: the SDK's own decision, made without a web Request. */
import type { IncomingMessage } from 'node:http';
import { classifyInboundRequest } from '@modelcontextprotocol/server';

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * What the SDK's `isLegacyRequest` answers for a parsed body, asked of its classification step
 * directly: the predicate wants a web Request, which would cost a conversion per call only to read
 * three headers. test/unit/era.test.ts holds the two to agreement.
 */
export function isLegacy(req: Pick<IncomingMessage, 'method' | 'headers'>, body: unknown): boolean {
  if (req.method === 'POST' && body === undefined) return true;
  const outcome = classifyInboundRequest({
    httpMethod: req.method ?? 'GET',
    protocolVersionHeader: header(req as IncomingMessage, 'mcp-protocol-version'),
    mcpMethodHeader: header(req as IncomingMessage, 'mcp-method'),
    mcpNameHeader: header(req as IncomingMessage, 'mcp-name'),
    ...(body !== undefined ? { body } : {}),
  });
  return outcome.kind === 'legacy';
}
