// The floor of stdio start-up: a bare Node ES module that answers initialize (2025),
// server/discover (2026-07-28) and tools/list with canned JSON. Whatever the real server needs
// beyond this is its own start-up cost.
const INIT = {
  protocolVersion: '2025-06-18',
  capabilities: { tools: {} },
  serverInfo: { name: 'floor', version: '1.0.0' },
};
const DISCOVER = {
  supportedVersions: ['2026-07-28'],
  capabilities: { tools: {} },
  resultType: 'complete',
  _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'floor', version: '1.0.0' } },
};
const LIST = { tools: [{ name: 'noop', description: 'Does nothing', inputSchema: { type: 'object' } }] };
const ANSWERS = { initialize: INIT, 'server/discover': DISCOVER, 'tools/list': LIST };
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
    const msg = JSON.parse(buffer.slice(0, i));
    buffer = buffer.slice(i + 1);
    if (msg.id === undefined) continue;
    const result = ANSWERS[msg.method] ?? {};
    process.stdout.write(`${JSON.stringify({ result, jsonrpc: '2.0', id: msg.id })}\n`);
  }
});
