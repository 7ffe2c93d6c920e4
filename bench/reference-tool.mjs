// The bare SDK v2 server the references serve: a low-level `Server` (@modelcontextprotocol/server)
// with ONE tool, g8_search_contacts, answering the same REST call as the product's tool (undici →
// the bench backend) with the page as structured content. No auth, no catalogue, no validation, no
// result budget: what the SDK costs by itself. Env: BACKEND (bench backend URL), KEY (sent upstream).
import { Server } from '@modelcontextprotocol/server';
import { Pool } from 'undici';

const backend = process.env.BACKEND ? new Pool(process.env.BACKEND, { connections: 64 }) : undefined;
const authorization = `Bearer ${process.env.KEY ?? 'g8_test_bench0000000000000000'}`;

const TOOL = {
  name: 'g8_search_contacts',
  description: 'Search contacts',
  inputSchema: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100 } } },
};

async function searchContacts(args) {
  const limit = Number(args?.limit ?? 10);
  const r = await backend.request({
    method: 'GET',
    path: `/api/v1/contacts?limit=${limit}`,
    headers: { authorization, accept: 'application/json' },
  });
  const page = JSON.parse(await r.body.text());
  const structured = { items: page.data, pagination: page.pagination };
  return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }] };
}

/** A fresh Server with the one tool: per request (2026), per session (2025) or per connection (stdio). */
export function referenceServer() {
  const server = new Server({ name: 'bare-sdk2', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/list', async () => ({ tools: [TOOL] }));
  server.setRequestHandler('tools/call', async (request) => {
    if (request.params.name !== TOOL.name) throw new Error(`Unknown tool: ${request.params.name}`);
    return searchContacts(request.params.arguments);
  });
  return server;
}
