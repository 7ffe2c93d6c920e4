// Reference point for the HTTP figures: the bare SDK v2 way to serve bench/reference-tool.mjs's
// one-tool low-level Server on node:http, both eras in one process —
// - 2026-07-28 (a request with `MCP-Protocol-Version: 2026-07-28`): createMcpHandler(() => a Server
//   per request, { legacy: 'reject' }) through toNodeHandler;
// - anything else (2025 era): a sessionful NodeStreamableHTTPServerTransport per session
//   (Mcp-Session-Id), one Server per session, no event store.
// Routing by that one header is the cheapest honest split (the product reads the body and asks
// isLegacyRequest). No auth, no URL selection, no host/origin checks. Env: BACKEND, PORT, KEY.
// Loopback only; exits when stdin closes.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { NodeStreamableHTTPServerTransport, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { referenceServer } from './reference-tool.mjs';

const modern = toNodeHandler(createMcpHandler(() => referenceServer(), { legacy: 'reject' }));
const sessions = new Map();

async function legacy(req, res) {
  const sid = req.headers['mcp-session-id'];
  if (sid !== undefined) {
    const transport = sessions.get(sid);
    if (!transport) return res.writeHead(404).end();
    return transport.handleRequest(req, res);
  }
  const transport = new NodeStreamableHTTPServerTransport({
    sessionIdGenerator: randomUUID,
    onsessioninitialized: (id) => sessions.set(id, transport),
  });
  transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
  await referenceServer().connect(transport);
  await transport.handleRequest(req, res);
}

createServer((req, res) => {
  if (req.url === '/healthz') return res.end('{"status":"ok"}');
  const done = req.headers['mcp-protocol-version'] === '2026-07-28' ? modern(req, res) : legacy(req, res);
  done.catch((error) => {
    process.stderr.write(`reference-sdk2: ${error.message}\n`);
    if (!res.headersSent) res.writeHead(500).end();
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
