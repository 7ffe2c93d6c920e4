/**
 * `GET /metrics` on its own listener (G8_METRICS_PORT, G8_METRICS_HOST — loopback by default), so
 * the series are never served on the public listener by accident. Starting it installs the
 * Prometheus recorder behind the hooks of metrics.ts; closing it uninstalls it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { installMetrics } from './metrics.js';

export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(port: number, host: string): Promise<MetricsServer> {
  // Loaded here, not at the top: prom-client and its default collectors take ~80-150 ms to load.
  const { createPrometheus } = await import('./prometheus.js');
  const { recorder, registry } = createPrometheus();
  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Use GET\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`metrics collection failed: ${error instanceof Error ? error.name : 'error'}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  installMetrics(recorder);
  const { port: bound } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        installMetrics(undefined);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
