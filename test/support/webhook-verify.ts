/** How a receiver verifies a delivery: with the `standardwebhooks` package, and by hand with the Aurous header. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export function verifyStandard(secret: string, body: string, headers: Record<string, string>): unknown {
  return new Webhook(secret).verify(body, headers);
}

/** `Aurous-Webhook-Signature: t=…,v1=…[,v1=…]`: true when one v1 is the HMAC of "{t}.{body}" under the secret. */
export function verifyAurous(secret: string, body: string, header: string): boolean {
  const parts = header.split(',').map((p) => p.split('=') as [string, string]);
  const t = parts.find(([k]) => k === 't')?.[1];
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(createHmac('sha256', key).update(`${t}.${body}`).digest('hex'));
  return parts.some(([k, v]) => k === 'v1' && Buffer.from(v).length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}
