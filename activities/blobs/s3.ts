import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobStore, StoredBlob } from './store.js';
import { BlobStoreUnavailableError, isValidBlobKey } from './store.js';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible server's URL; unset means AWS S3. */
  endpoint?: string;
  /** The server's address as clients reach it, for presigned URLs; `endpoint` by default. */
  publicEndpoint?: string;
  /** Unset: the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
}

/** A refused connection, a timeout, a 5xx: the server's trouble, not the request's (a 4xx). */
function unavailable(err: unknown): boolean {
  return !(err instanceof S3ServiceException) || (err.$metadata.httpStatusCode ?? 500) >= 500;
}

/** The call's result, with the store's own trouble as BlobStoreUnavailableError. */
async function reaching<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw unavailable(err) ? new BlobStoreUnavailableError(err) : err;
  }
}

/** DeleteObjects takes at most this many keys per call. */
const DELETE_BATCH = 1000;

/** Blobs as objects in one bucket of an S3-compatible store: what several hosts share. */
export class S3BlobStore implements BlobStore {
  private readonly s3: S3Client;
  /** Signs URLs for the address clients use; the same client when that is `endpoint`. */
  private readonly presigner: S3Client;
  private readonly bucket: string;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    const client = (endpoint: string | undefined) =>
      new S3Client({
        region: options.region,
        endpoint,
        credentials: options.credentials,
        forcePathStyle: options.forcePathStyle,
        // Since 3.729 the SDK adds CRC32 checksums to every request and checks them on every response;
        // self-hosted servers differ in which they support, so only where S3 requires one.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
    this.s3 = client(options.endpoint);
    this.presigner = options.publicEndpoint && options.publicEndpoint !== options.endpoint ? client(options.publicEndpoint) : this.s3;
  }

  /** A GET URL for `key` that the store itself honours for `expiresInSeconds`, signed locally (no request). */
  async presignGet(key: string, expiresInSeconds: number): Promise<string> {
    if (!isValidBlobKey(key)) throw new Error(`invalid blob key: ${key}`);
    return getSignedUrl(this.presigner, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }

  /** Creates the bucket when it is missing: for development and tests; production provisions it. */
  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!(err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)) throw err;
      await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket })).catch((created: unknown) => {
        // Another process made it meanwhile.
        if (!(created instanceof S3ServiceException && /BucketAlready/.test(created.name))) throw created;
      });
    }
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    if (!isValidBlobKey(key)) throw new Error(`invalid blob key: ${key}`);
    // One PUT is atomic in S3: a reader sees the old object or the new one, never half.
    await reaching(this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.length })));
  }

  async get(key: string): Promise<StoredBlob | null> {
    if (!isValidBlobKey(key)) return null;
    try {
      const object = await reaching(this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
      // In Node the body is the HTTP response itself: bytes stream through, never buffered whole.
      return { contentType: object.ContentType ?? 'application/octet-stream', size: object.ContentLength ?? 0, body: object.Body as Readable };
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)) return null;
      throw err;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) if (!isValidBlobKey(key)) throw new Error(`invalid blob key: ${key}`);
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const result = await reaching(this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })));
      // A missing key is not an error in S3 (deleting is idempotent); anything reported here is.
      const failed = result.Errors ?? [];
      if (failed.length > 0) throw new Error(`deleting ${failed.length} blobs failed: ${failed.map((e) => `${e.Key}: ${e.Code}`).join(', ')}`);
    }
  }

  close(): void {
    this.s3.destroy();
    if (this.presigner !== this.s3) this.presigner.destroy();
  }
}
