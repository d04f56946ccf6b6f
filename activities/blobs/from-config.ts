/** The blob store the configuration names: the worker and the API build theirs here. */
import type { Config } from '../../platform/config.js';
import { FilesystemBlobStore } from './filesystem.js';
import { S3BlobStore } from './s3.js';
import type { BlobStore } from './store.js';

type BlobConfig = Pick<
  Config,
  'BLOB_STORE' | 'blobDir' | 'S3_ENDPOINT' | 'S3_PUBLIC_ENDPOINT' | 'S3_BUCKET' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'
>;

export function blobStoreFromConfig(config: BlobConfig): BlobStore {
  if (config.BLOB_STORE === 'filesystem') return new FilesystemBlobStore(config.blobDir);
  return new S3BlobStore({
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    publicEndpoint: config.S3_PUBLIC_ENDPOINT,
    credentials: config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } : undefined,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
}
