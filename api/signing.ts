/**
 * Signed, expiring URLs: the signature binds the subject (a blob key, an upload id), the expiry
 * and, for every route but the files', the route itself, so one grant never opens another door.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export class UrlSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly route = '/v1/files/',
  ) {}

  private signature(key: string, expires: number): string {
    const scope = this.route === '/v1/files/' ? '' : `${this.route}\n`;
    return createHmac('sha256', this.secret).update(`${scope}${key}\n${expires}`).digest('base64url');
  }

  /** The path and query of a signed URL, valid for the configured time from `now`. */
  sign(key: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.ttlSeconds;
    return `${this.route}${key}?expires=${expires}&sig=${this.signature(key, expires)}`;
  }

  /** When a URL signed now stops working. */
  expiry(now = Date.now()): Date {
    return new Date((Math.floor(now / 1000) + this.ttlSeconds) * 1000);
  }

  verify(key: string, expires: unknown, sig: unknown, now = Date.now()): boolean {
    if (typeof expires !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(expires)) return false;
    const at = Number(expires);
    if (at * 1000 < now) return false;
    const expected = Buffer.from(this.signature(key, at));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
