/**
 * Webhook signing secrets, derived rather than stored: HMAC-SHA256 of the server's key over the
 * endpoint id and its secret version (or the team id, for its default secret). Nothing secret is
 * ever written to a workflow's history, memo or the deliveries log: they hold only the version
 * number, and rotation is a new version. The cost: rotating WEBHOOK_SECRET_KEY rotates every
 * endpoint's secret at once, and every API and worker process must share that key.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
const SECRET_IN_TEXT = /whsec_[A-Za-z0-9+/=]+/g;
const SEALED_IN_TEXT = /sealed_secret_([A-Za-z0-9_-]+)/g;

export class WebhookSecrets {
  constructor(private readonly serverKey: string) {}

  private derive(label: string): string {
    // The label keeps these apart from every other HMAC of the same key (file URLs use it too).
    return `${SECRET_PREFIX}${createHmac('sha256', this.serverKey).update(`webhook-secret\n${label}`).digest('base64')}`;
  }

  forEndpoint(endpointId: string, version: number): string {
    return this.derive(`${endpointId}\n${version}`);
  }

  /** Signs deliveries to a generation's own `webhook_url`. */
  defaultFor(teamId: string): string {
    return this.derive(`${teamId}\ndefault`);
  }

  private sealingKey(): Buffer {
    return createHmac('sha256', this.serverKey).update('webhook-secret-sealing').digest();
  }

  /**
   * Encrypts every secret in `text` (AES-256-GCM): an idempotent replay stores the response that
   * showed a secret, and that record is a workflow history, where no secret may sit in clear.
   */
  seal(text: string): string {
    return text.replace(SECRET_IN_TEXT, (secret) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.sealingKey(), iv);
      const sealed = Buffer.concat([iv, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `sealed_secret_${sealed.toString('base64url')}`;
    });
  }

  unseal(text: string): string {
    return text.replace(SEALED_IN_TEXT, (_, data: string) => {
      const sealed = Buffer.from(data, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.sealingKey(), sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8');
    });
  }
}
