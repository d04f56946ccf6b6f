/** Signed, expiring file URLs: the signature binds the blob key and the expiry (HMAC-SHA256). */
import { createHmac, timingSafeEqual } from 'node:crypto';

export class UrlSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  private signature(key: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${expires}`).digest('base64url');
  }

  /** The path and query of a file URL, valid for the configured time from `now`. */
  sign(key: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.ttlSeconds;
    return `/v1/files/${key}?expires=${expires}&sig=${this.signature(key, expires)}`;
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
