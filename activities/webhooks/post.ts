/**
 * One delivery attempt over HTTP: to the address already checked (no second DNS answer), no
 * redirects followed, a deadline on the whole exchange, at most 64 KB of the response read.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './targets.js';

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RESPONSE_BYTES_READ = 64 * 1024;

export interface PostResult {
  status: number | null;
  error: string | null;
}

export function postWebhook(target: ResolvedTarget, headers: Record<string, string>, body: string, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<PostResult> {
  // Pins the connection to the checked address; TLS still verifies the certificate for the host name.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const transport = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = transport.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'Aurous-Webhooks/1' },
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read >= RESPONSE_BYTES_READ) finish({ status: response.statusCode ?? null, error: null });
        });
        response.on('end', () => finish({ status: response.statusCode ?? null, error: null }));
        response.on('error', () => finish({ status: response.statusCode ?? null, error: null }));
      },
    );
    const timer = setTimeout(() => finish({ status: null, error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    request.on('error', (err) => finish({ status: null, error: err.message }));
    request.end(body);
  });
}
