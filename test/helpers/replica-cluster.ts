/**
 * Replicas of the built server (`dist/src/entry/main.js --http`) on the real PostgreSQL and Redis, behind a
 * round-robin proxy without affinity, as `npm run cluster` runs them, for tests that must kill one
 * (SIGKILL) or choose where a request lands. The proxy records every request (method, body, the
 * replica it went to); a test's `route` may pick the replica for a request, or leave it to the
 * round robin. A replica that refuses the connection (killed) is skipped, as a balancer would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN } from './stdio.js';

export interface Landed {
  readonly method: string;
  readonly body: string;
  /** Where it went (the next one when the chosen replica was down). */
  replica: number;
}

export interface Replica {
  readonly port: number;
  readonly child: ChildProcess;
  log(): string;
}

export interface ReplicaCluster {
  /** The proxy's /mcp. */
  readonly url: string;
  readonly replicas: Replica[];
  readonly landed: Landed[];
  /** Picks the replica (index) for a request, or undefined for the round robin. */
  route: (req: IncomingMessage, body: string) => number | undefined;
  close(): Promise<void>;
}

function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [MAIN, '--http'], {
    env: { PATH: process.env.PATH ?? '', G8_HTTP_PORT: '0', G8_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica did not start:\n${log}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const found = /"port":(\d+)/.exec(log);
      if (found) {
        clearTimeout(timer);
        resolve({ port: Number(found[1]), child, log: () => log });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica exited with ${code}:\n${log}`));
    });
  });
}

export async function startReplicaCluster(env: Record<string, string>, count = 2): Promise<ReplicaCluster> {
  const replicas: Replica[] = [];
  const landed: Landed[] = [];
  let next = 0;
  const cluster = {
    route: (() => undefined) as ReplicaCluster['route'],
  };
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, entry: Landed, tries: number) => {
    const i = entry.replica;
    const replica = replicas[i] as Replica;
    const out = request(
      { host: '127.0.0.1', port: replica.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-g8-replica': String(i) });
        answer.pipe(res);
        res.once('close', () => answer.destroy());
      },
    );
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent || res.destroyed) return res.destroy();
      // Only a replica that is down is skipped: a request it may have started is never sent twice.
      if (error.code === 'ECONNREFUSED' && tries > 1) {
        entry.replica = (i + 1) % replicas.length;
        return forward(req, res, body, entry, tries - 1);
      }
      res.writeHead(502, { 'content-type': 'text/plain' }).end('no replica answers\n');
    });
    // The client went away (a cut stream): so does the request to the replica.
    res.once('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    out.end(body);
  };
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const i = cluster.route(req, text) ?? next++ % replicas.length;
      const entry: Landed = { method: req.method ?? '', body: text, replica: i };
      landed.push(entry);
      forward(req, res, body, entry, replicas.length);
    });
  });
  await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
  const origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  try {
    for (let n = 0; n < count; n++) {
      replicas.push(
        await startReplica({
          ...env,
          G8_PUBLIC_URL: origin,
          G8_DATA_DIR: mkdtempSync(join(tmpdir(), `g8-replica${n}-`)),
        }),
      );
    }
  } catch (error) {
    for (const r of replicas) r.child.kill('SIGKILL');
    proxy.close();
    throw error;
  }
  return Object.assign(cluster, {
    url: `${origin}/mcp`,
    replicas,
    landed,
    async close() {
      const live = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
      for (const r of live) r.child.kill('SIGTERM');
      await Promise.all(live.map((r) => new Promise((done) => r.child.once('exit', done))));
      proxy.closeAllConnections();
      await new Promise((done) => proxy.close(done));
    },
  });
}
