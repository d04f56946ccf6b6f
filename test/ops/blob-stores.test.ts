/** The one blob-store suite, against the filesystem store and the S3 store on a real versitygw. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemBlobStore } from '../../activities/blobs/filesystem.js';
import { blobStoreFromConfig } from '../../activities/blobs/from-config.js';
import type { S3BlobStore } from '../../activities/blobs/s3.js';
import { BlobStoreUnavailableError } from '../../activities/blobs/store.js';
import { loadConfig } from '../../platform/config.js';
import { type S3Server, startS3Server } from '../../scripts/s3/versitygw.js';
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

describe('s3 presigned GET URLs (versitygw)', () => {
  let server: S3Server;
  let store: S3BlobStore;
  before(async () => {
    server = await startS3Server();
    store = blobStoreFromConfig(loadConfig({ ...server.env, DATA_DIR: server.dataDir })) as S3BlobStore;
  });
  after(async () => {
    store?.close();
    await server?.stop();
  });

  test('serve the object’s bytes and type without credentials, for its key only, until they expire', async () => {
    const bytes = Buffer.from('presigned bytes');
    await store.put('presign/a.png', bytes, 'image/png');
    await store.put('presign/b.png', Buffer.from('other'), 'image/png');
    const url = await store.presignGet('presign/a.png', 2);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
    const other = new URL(url);
    other.pathname = other.pathname.replace('a.png', 'b.png');
    assert.equal((await fetch(other)).status, 403, 'a signature opens one key');
    await sleep(3_000);
    assert.equal((await fetch(url)).status, 403, 'expired');
  });

  test('while the server is down, calls fail as BlobStoreUnavailableError (retryable), and work again once it is back', async () => {
    await store.put('outage/a.png', Buffer.from('before'), 'image/png');
    await server.kill('SIGKILL');
    try {
      await assert.rejects(() => store.get('outage/a.png'), BlobStoreUnavailableError);
      await assert.rejects(() => store.put('outage/b.png', Buffer.from('during'), 'image/png'), BlobStoreUnavailableError);
    } finally {
      await server.restart();
    }
    const blob = await store.get('outage/a.png');
    assert.ok(blob);
    blob.body.resume();
    assert.equal(await store.get('outage/never.png'), null, 'a missing key is still null, not unavailable');
  });

  test('a key that could never be stored is refused before signing', async () => {
    await assert.rejects(() => store.presignGet('../escape', 60), /invalid blob key/);
  });
});
