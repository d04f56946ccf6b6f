/** The one blob-store suite, against the filesystem store and the S3 store on a real versitygw. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemBlobStore } from '../../activities/blobs/filesystem.js';
import { blobStoreFromConfig } from '../../activities/blobs/from-config.js';
import type { S3BlobStore } from '../../activities/blobs/s3.js';
import { loadConfig } from '../../platform/config.js';
import { startS3Server } from '../../scripts/s3/versitygw.js';
import { blobStoreContract } from '../support/blob-store-contract.js';

blobStoreContract('filesystem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aurous-blobs-'));
  return { store: new FilesystemBlobStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
});

blobStoreContract('s3 (versitygw)', async () => {
  const server = await startS3Server();
  // Built from the environment, as the API and the worker build theirs.
  const store = blobStoreFromConfig(loadConfig({ ...server.env, DATA_DIR: server.dataDir })) as S3BlobStore;
  return {
    store,
    async close() {
      store.close();
      await server.stop();
    },
  };
});
