// Reference point for the HTTP figures: the least an MCP-over-HTTP proxy can do — node:http,
// parse the JSON-RPC body, answer initialize with a session id, make the one REST call with undici
// and answer tools/call with the page as structured content in an SSE event. No auth, no
// validation, no session checks: a floor, not a server. Env: BACKEND, PORT; exits when stdin closes.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'undici';

const backend = new Pool(process.env.BACKEND, { connections: 64 });

function send(res, message, session) {
  const text = `event: message\ndata: ${JSON.stringify(message)}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': session });
  res.end(text);
}

createServer((req, res) => {
  if (req.url === '/healthz') return res.end('{"status":"ok"}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const msg = JSON.parse(Buffer.concat(chunks).toString());
    const session = req.headers['mcp-session-id'] ?? randomUUID();
    if (msg.id === undefined) return res.writeHead(202).end();
    if (msg.method === 'initialize') {
      const result = {
        protocolVersion: msg.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: 'proxy', version: '1' },
      };
      return send(res, { result, jsonrpc: '2.0', id: msg.id }, session);
    }
    const r = await backend.request({
      method: 'GET',
      path: `/api/v1/contacts?limit=${msg.params.arguments?.limit ?? 10}`,
      headers: { authorization: req.headers.authorization ?? '', accept: 'application/json' },
    });
    const page = JSON.parse(await r.body.text());
    const structured = { items: page.data, pagination: page.pagination };
    const result = {
      structuredContent: structured,
      content: [{ type: 'text', text: JSON.stringify(structured) }],
    };
    send(res, { result, jsonrpc: '2.0', id: msg.id }, session);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
