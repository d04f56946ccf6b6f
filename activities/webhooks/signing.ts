/**
 * The two signatures of a delivery (CONTRACT §8): Standard Webhooks, with the `standardwebhooks`
 * package itself, and the Aurous header. During a rotation's overlap each carries one signature per
 * secret, so receivers verify with either.
 */
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SECRET_PREFIX } from './secrets.js';

export function signatureHeaders(eventId: string, body: string, secrets: readonly string[], now: Date): Record<string, string> {
  const seconds = Math.floor(now.getTime() / 1000);
  const standard = secrets.map((secret) => new Webhook(secret).sign(eventId, now, body));
  const aurous = secrets.map((secret) => `v1=${createHmac('sha256', Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')).update(`${seconds}.${body}`).digest('hex')}`);
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': standard.join(' '),
    'Aurous-Webhook-Signature': [`t=${seconds}`, ...aurous].join(','),
  };
}
