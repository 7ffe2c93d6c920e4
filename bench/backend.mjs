// The bench's backend: a graph8-shaped REST API reduced to the two routes the bench calls, each
// answered from bytes prepared once, so the figures measure the MCP server rather than a database.
// GET /api/v1/me → an unrestricted key; GET /api/v1/contacts → a 10-row page. Loopback only, port
// 0; prints {"port":N} on stdout; exits when its parent closes stdin, or after 30 minutes anyway.
import { createServer } from 'node:http';

const json = (value) => Buffer.from(JSON.stringify(value));

const ME = json({ data: { scopes: [], unrestricted: true, org_id: 'org_bench', org_name: 'Bench' } });
const CONTACTS = json({
  data: Array.from({ length: 10 }, (_, i) => ({
    id: 1001 + i,
    first_name: ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara'][i % 5],
    last_name: ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov'][i % 5],
    work_email: `person${i}@example.com`,
    direct_phone: null,
    mobile_phone: null,
    job_title: 'VP Engineering',
    job_department: 'Engineering',
    seniority_level: 'VP',
    linkedin_url: `https://www.linkedin.com/in/person${i}`,
    city: 'Berlin',
    state: null,
    country: 'DE',
    company_id: 501 + (i % 3),
    owner_id: 'usr_1',
    owner_name: 'Bench Owner',
    custom_fields: null,
  })),
  pagination: { page: 1, limit: 10, total: 1000, has_next: true, next_cursor: 'bzoxMA' },
});
const NOT_FOUND = json({ detail: 'Not Found' });

let served = 0;
/** Requests per route, read by the bench at GET /__bench/counts (how many REST calls a tool call costs). */
const counts = { me: 0, contacts: 0, other: 0 };
const server = createServer((req, res) => {
  served++;
  const path = req.url.split('?')[0];
  if (path === '/__bench/counts') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(counts));
    return;
  }
  const body = path === '/api/v1/me' ? ME : path === '/api/v1/contacts' ? CONTACTS : NOT_FOUND;
  counts[body === ME ? 'me' : body === CONTACTS ? 'contacts' : 'other']++;
  res.writeHead(body === NOT_FOUND ? 404 : 200, {
    'content-type': 'application/json',
    'content-length': body.length,
    'x-request-id': `req_${served}`,
  });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), 30 * 60_000).unref();
