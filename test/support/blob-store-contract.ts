/**
 * What every BlobStore promises, as one suite: test/ops/blob-stores.test.ts runs it against the
 * filesystem store and against the S3 store on a real S3-compatible server.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { BlobStore } from '../../activities/blobs/store.js';

export interface OpenedStore {
  store: BlobStore;
  close(): Promise<void>;
}

async function collect(body: Readable): Promise<{ bytes: Buffer; chunks: number }> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk as Buffer);
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

export function blobStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`blob store contract: ${name}`, () => {
    let opened: OpenedStore | undefined;
    const store = () => opened!.store;
    // Each test under its own prefix: the stores may be shared with other runs.
    const prefix = () => `team_contract/${randomUUID()}`;
    before(async () => {
      opened = await open();
    });
    after(() => opened?.close());

    test('a stored blob comes back with its bytes, content type and size', async () => {
      const key = `${prefix()}/front.png`;
      const bytes = randomBytes(10_000);
      await store().put(key, bytes, 'image/png');
      const blob = await store().get(key);
      assert.ok(blob);
      assert.equal(blob.contentType, 'image/png');
      assert.equal(blob.size, bytes.length);
      assert.deepEqual((await collect(blob.body)).bytes, bytes);
    });

    test('a missing key is null, not an error', async () => {
      assert.equal(await store().get(`${prefix()}/missing.png`), null);
    });

    test('a key that could escape the store is refused on write and unknown on read', async () => {
      await assert.rejects(store().put('team/../../etc/passwd', Buffer.from('x'), 'text/plain'));
      assert.equal(await store().get('team/../secret'), null);
      assert.equal(await store().get('/absolute'), null);
    });

    test('putting a key again replaces its bytes and type (a retried activity overwrites)', async () => {
      const key = `${prefix()}/ref.png`;
      await store().put(key, Buffer.from('first'), 'image/png');
      await store().put(key, Buffer.from('second, longer'), 'image/webp');
      const blob = await store().get(key);
      assert.equal(blob?.contentType, 'image/webp');
      assert.equal((await collect(blob!.body)).bytes.toString(), 'second, longer');
    });

    test('delete removes every key given and ignores keys already gone', async () => {
      const base = prefix();
      const keys = [`${base}/a.png`, `${base}/b.png`, `${base}/c.png`];
      await Promise.all(keys.map((key) => store().put(key, Buffer.from(key), 'image/png')));
      await store().delete([...keys.slice(0, 2), `${base}/never-there.png`]);
      assert.equal(await store().get(keys[0]!), null);
      assert.equal(await store().get(keys[1]!), null);
      assert.ok(await store().get(keys[2]!));
      await store().delete(keys);
      await store().delete([]);
    });

    test('a large blob is read as a stream of many chunks, not one buffer', async () => {
      const key = `${prefix()}/large.png`;
      const bytes = randomBytes(8 * 1024 * 1024);
      await store().put(key, bytes, 'image/png');
      const blob = await store().get(key);
      const read = await collect(blob!.body);
      assert.ok(read.chunks > 1, `read in ${read.chunks} chunk(s)`);
      assert.ok(read.bytes.equals(bytes));
      await store().delete([key]);
    });

    test('a reader that stops early releases the blob and later reads still work', async () => {
      const key = `${prefix()}/abandoned.png`;
      await store().put(key, randomBytes(2 * 1024 * 1024), 'image/png');
      for (let i = 0; i < 3; i++) (await store().get(key))!.body.destroy();
      assert.equal((await store().get(key))?.size, 2 * 1024 * 1024);
    });

    test('parallel writes of different keys all land', async () => {
      const base = prefix();
      const keys = Array.from({ length: 24 }, (_, i) => `${base}/pose-${i}.png`);
      await Promise.all(keys.map((key) => store().put(key, Buffer.from(key), 'image/png')));
      const read = await Promise.all(keys.map(async (key) => (await collect((await store().get(key))!.body)).bytes.toString()));
      assert.deepEqual(read, keys);
    });
  });
}
