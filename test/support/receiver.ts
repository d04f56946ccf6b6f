/** A webhook receiver for tests: a real HTTP server on loopback that records every delivery and answers as told. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  headers: Record<string, string>;
  body: string;
  at: number;
  /** Path and query: one receiver can serve several endpoints (the chaos run's teams). */
  path: string;
  /** What it answered; null when it hung past the sender's deadline. */
  status: number | null;
  /** What `verify` made of it on arrival: the verified payload, or why it was refused. */
  verified?: { payload: unknown } | { error: string };
}

/** A status to answer, or `hang`: hold the request open for `hangMs` (longer than the sender waits). */
export type Answer = number | 'hang';

export class Receiver {
  readonly received: ReceivedDelivery[] = [];
  /** The status the next deliveries get. */
  status = 200;
  /** Decides each answer when set (the chaos run's flaky receiver); otherwise `status`. */
  answer: (() => Answer) | null = null;
  hangMs = 12_000;
  /**
   * Verifies each delivery as it arrives, as a real receiver does (signature timestamps are only
   * accepted within minutes of their sending); returns undefined when it cannot tell yet.
   */
  verify: ((delivery: ReceivedDelivery) => { payload: unknown } | undefined) | null = null;
  private server: Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const answer = this.answer?.() ?? this.status;
        const delivery: ReceivedDelivery = { headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), path: req.url ?? '', status: answer === 'hang' ? null : answer };
        try {
          delivery.verified = this.verify?.(delivery);
        } catch (err) {
          delivery.verified = { error: (err as Error).message };
        }
        this.received.push(delivery);
        if (answer === 'hang') setTimeout(() => res.writeHead(200).end('late'), this.hangMs).unref();
        else res.writeHead(answer).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Closes the port (a receiver outage); `start()` again reopens the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** The events received so far, parsed, with their headers. */
  events(): { event: any; headers: Record<string, string>; body: string }[] {
    return this.received.map((r) => ({ event: JSON.parse(r.body), headers: r.headers, body: r.body }));
  }

  async waitFor(predicate: (event: any) => boolean, timeoutMs = 20_000): Promise<{ event: any; headers: Record<string, string>; body: string }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.events().find((e) => predicate(e.event));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no matching delivery within ${timeoutMs} ms; received: ${this.events().map((e) => e.event.type).join(', ')}`);
  }
}
