// Reference point for the HTTP figures: a bare SDK server (McpServer + Streamable HTTP on express,
// sessions) with one tool that makes the same REST call with undici and returns the page as
// structured content — no auth, no catalogue, no budget. What the SDK's transport costs by itself.
// Env: BACKEND (bench backend URL), PORT. Loopback only; exits when stdin closes.
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { Pool } from 'undici';
import { z } from 'zod';

const backend = new Pool(process.env.BACKEND, { connections: 64 });
const transports = new Map();
const app = express();
app.use(express.json());
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.post('/mcp', async (req, res) => {
  const sid = req.headers['mcp-session-id'];
  if (sid && transports.has(sid)) return transports.get(sid).handleRequest(req, res, req.body);
  if (!isInitializeRequest(req.body)) return res.status(400).end();
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: randomUUID,
    onsessioninitialized: (id) => transports.set(id, transport),
  });
  const server = new McpServer({ name: 'bare-sdk', version: '1.0.0' });
  server.registerTool(
    'g8_search_contacts',
    { description: 'Search contacts', inputSchema: { limit: z.number().int().optional() } },
    async ({ limit }) => {
      const r = await backend.request({
        method: 'GET',
        path: `/api/v1/contacts?limit=${limit ?? 10}`,
        headers: { authorization: req.headers.authorization ?? '', accept: 'application/json' },
      });
      const page = JSON.parse(await r.body.text());
      const structured = { items: page.data, pagination: page.pagination };
      return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }] };
    },
  );
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
});
app.listen(Number(process.env.PORT), '127.0.0.1');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
