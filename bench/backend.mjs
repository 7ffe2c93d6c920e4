// The bench's backend: a graph8-shaped REST API reduced to the two routes the bench calls, each
// answered from bytes prepared once, so the figures measure the MCP server rather than a database.
// GET /api/v1/me → the key's identity: unrestricted, or — for keys starting g8_test_scoped — a key
// holding contacts:read, companies:read and search:run only (so the product's scope filter has
// work to do). GET /api/v1/contacts?limit=N → an N-row page (1–10). Loopback only, port 0; prints
// {"port":N} on stdout; exits when its parent closes stdin, or after 30 minutes anyway.
import { createServer } from 'node:http';

const json = (value) => Buffer.from(JSON.stringify(value));

const ME = json({ data: { scopes: [], unrestricted: true, org_id: 'org_bench', org_name: 'Bench' } });
const ME_SCOPED = json({
  data: {
    scopes: ['contacts:read', 'companies:read', 'search:run'],
    unrestricted: false,
    org_id: 'org_bench',
    org_name: 'Bench',
  },
});
const ROWS = Array.from({ length: 10 }, (_, i) => ({
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
}));
/** One prepared page per limit, 1–10. */
const PAGES = Array.from({ length: 11 }, (_, n) =>
  json({
    data: ROWS.slice(0, n),
    pagination: { page: 1, limit: n, total: 1000, has_next: true, next_cursor: 'bzoxMA' },
  }),
);
const NOT_FOUND = json({ detail: 'Not Found' });

function pageFor(url) {
  const m = /[?&]limit=(\d+)/.exec(url);
  const n = m ? Number(m[1]) : 10;
  return PAGES[n >= 1 && n <= 10 ? n : 10];
}

let served = 0;
/** Requests per route, read by the bench at GET /__bench/counts (how many REST calls a tool call costs). */
const counts = { me: 0, contacts: 0, other: 0 };
const server = createServer((req, res) => {
  served++;
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  if (path === '/__bench/counts') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(counts));
    return;
  }
  let body = NOT_FOUND;
  if (path === '/api/v1/me') {
    counts.me++;
    body = /^Bearer g8_test_scoped/.test(req.headers.authorization ?? '') ? ME_SCOPED : ME;
  } else if (path === '/api/v1/contacts') {
    counts.contacts++;
    body = pageFor(req.url);
  } else counts.other++;
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
