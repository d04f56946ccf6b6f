/**
 * Where a client fetches a stored file (a ref, a generation output): by default a URL of this API
 * signed by its own secret (`/v1/files/…`, streamed from the blob store by any API replica); with
 * `S3_PRESIGNED_URLS=true`, the S3 store's own presigned GET URL, so the bytes never cross the API.
 * Responses and webhook payloads take their URLs from here, so both show the same kind.
 */
import type { BlobStore } from '../activities/blobs/store.js';
import { S3BlobStore } from '../activities/blobs/s3.js';
import type { Config } from '../platform/config.js';
import { UrlSigner } from './signing.js';

export interface FileLinks {
  /** An absolute URL that serves `key` for the configured time; `baseUrl` is this API's. */
  link(key: string, baseUrl: string): Promise<string>;
  /** The origin the files come from when it is not this API's (the console's CSP must allow it). */
  foreignOrigin(): Promise<string | undefined>;
}

export function apiFileLinks(signer: UrlSigner): FileLinks {
  return { link: async (key, baseUrl) => `${baseUrl}${signer.sign(key)}`, foreignOrigin: async () => undefined };
}

export function presignedFileLinks(store: S3BlobStore, ttlSeconds: number): FileLinks {
  return {
    link: (key) => store.presignGet(key, ttlSeconds),
    // Signing is local: a probe key shows the host clients are sent to (path or virtual-hosted style).
    foreignOrigin: async () => new URL(await store.presignGet('origin-probe', 60)).origin,
  };
}

type FileLinkConfig = Pick<Config, 'fileUrlSecret' | 'FILE_URL_TTL_SECONDS' | 'S3_PRESIGNED_URLS'>;

/** The kind the configuration names; `blobs` is the process's own store (S3 when presigning). */
export function fileLinksFromConfig(config: FileLinkConfig, blobs: BlobStore): FileLinks {
  if (!config.S3_PRESIGNED_URLS) return apiFileLinks(new UrlSigner(config.fileUrlSecret, config.FILE_URL_TTL_SECONDS));
  if (!(blobs instanceof S3BlobStore)) throw new Error('S3_PRESIGNED_URLS=true needs BLOB_STORE=s3');
  return presignedFileLinks(blobs, config.FILE_URL_TTL_SECONDS);
}
