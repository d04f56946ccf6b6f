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
