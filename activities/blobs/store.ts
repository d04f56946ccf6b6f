import type { Readable } from 'node:stream';

export interface StoredBlob {
  contentType: string;
  size: number;
  body: Readable;
}

/**
 * Where image bytes live. The filesystem store is the default; an S3-compatible store implements
 * the same four calls.
 */
export interface BlobStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** null when the key does not exist. */
  get(key: string): Promise<StoredBlob | null>;
  delete(keys: readonly string[]): Promise<void>;
}

const KEY_PATTERN = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Keys are ours, but a file URL carries one: refuse anything that could escape the store. */
export function isValidBlobKey(key: string): boolean {
  return key.length <= 512 && KEY_PATTERN.test(key) && !key.split('/').some((part) => part === '..' || part === '.');
}

/**
 * The store could not be reached or failed on its side (a connection refused, a 5xx): nothing is
 * wrong with the request, and the same call may succeed shortly. The API answers 503; activities retry.
 */
export class BlobStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the blob store is unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'BlobStoreUnavailableError';
  }
}
