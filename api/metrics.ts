/**
 * Prometheus metrics of the API: requests by route and status, latency histograms. They are served
 * on their own listener (API_METRICS_ADDRESS), never on the public port, where anyone could read
 * traffic by route without a key.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'aurous_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'aurous_http_request_duration_seconds',
    help: 'HTTP request latency by route and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'aurous_api_' });
  }

  /** Times every request; the route label is the matched pattern, never a raw path with ids. */
  readonly middleware: RequestHandler = (req, res, next) => {
    const stop = this.latency.startTimer();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      stop({ route, method: req.method });
      this.requests.inc({ route, method: req.method, status: String(res.statusCode) });
    });
    next();
  };
}

/** Serves `GET /metrics` on `address` (host:port; port 0 picks a free one); anything else is 404. */
export async function serveMetrics(metrics: ApiMetrics, address: string): Promise<{ url: string; server: Server }> {
  const split = address.lastIndexOf(':');
  const [host, port] = [address.slice(0, split).replace(/^\[|\]$/g, ''), Number(address.slice(split + 1))];
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end();
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`, server };
}
