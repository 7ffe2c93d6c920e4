#!/usr/bin/env node
// A plain round-robin HTTP proxy with no session affinity: each request goes to the next replica, as a
// load balancer without sticky sessions would send it. One module for `npm run cluster` (in process)
// and the bench's cluster rows (as its own process, so its work is not the load generator's):
//
//   node scripts/round-robin.mjs --target 127.0.0.1:8081 --target 127.0.0.1:8082 [--port 0]
//
// prints `round-robin listening on http://127.0.0.1:<port>` on stdout once it listens.
//
// Connections to the replicas are kept alive (as a balancer's pool would be), so a request costs a
// forwarded request, not a new TCP connection. The request body is read before forwarding: a replica
// that refuses the connection (down) is skipped for the next, as a balancer's health check would do
// (MCP requests are small). Each answer names its replica, 1-based, in X-G8-Replica.
import { Agent, createServer, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Starts the proxy. `targets` ("host:port") may be filled in later (the cluster starts its replicas
 * after the proxy, whose origin is their public URL); until then a request is answered 502.
 */
export async function startRoundRobin({ port = 0, host = '127.0.0.1', targets = [] } = {}) {
  const agent = new Agent({ keepAlive: true });
  let next = 0;
  function forward(req, res, body, tries) {
    if (targets.length === 0) return res.writeHead(502, { 'content-type': 'text/plain' }).end('no replica\n');
    const i = next++ % targets.length;
    const [targetHost, targetPort] = String(targets[i]).split(':');
    const out = request(
      {
        host: targetHost,
        port: Number(targetPort),
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-g8-replica': String(i + 1) });
        answer.pipe(res);
      },
    );
    // The client went away (a cut stream): the replica's side goes too.
    res.once('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    out.on('error', () => {
      if (res.headersSent) return res.destroy();
      if (tries > 1) return forward(req, res, body, tries - 1);
      res.writeHead(502, { 'content-type': 'text/plain' }).end('no replica answers\n');
    });
    out.end(body);
  }
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), Math.max(1, targets.length)));
  });
  await new Promise((ready) => server.listen(port, host, ready));
  return {
    origin: `http://${host}:${server.address().port}`,
    targets,
    close() {
      server.close();
      server.closeAllConnections();
      agent.destroy();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', multiple: true, default: [] },
      port: { type: 'string', default: '0' },
    },
  });
  const proxy = await startRoundRobin({ port: Number(values.port), targets: values.target });
  process.stdout.write(`round-robin listening on ${proxy.origin}\n`);
  const stop = () => {
    proxy.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
