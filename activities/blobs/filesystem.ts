import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobStore, StoredBlob } from './store.js';
import { isValidBlobKey } from './store.js';

/** Blobs as files under one folder; the content type lives beside each file. */
export class FilesystemBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!isValidBlobKey(key)) throw new Error(`invalid blob key: ${key}`);
    return join(this.root, key);
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    const path = this.pathOf(key);
    // Write then rename: a reader never sees half a file, a retried activity just overwrites.
    const tmp = `${path}.${process.pid}.tmp`;
    // The folder usually exists (a character's poses share one): create it only when a write says it is missing.
    await writeFile(tmp, bytes).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, bytes);
    });
    await writeFile(`${path}.type`, contentType);
    await rename(tmp, path);
  }

  async get(key: string): Promise<StoredBlob | null> {
    if (!isValidBlobKey(key)) return null;
    const path = this.pathOf(key);
    try {
      const [info, contentType] = await Promise.all([stat(path), readFile(`${path}.type`, 'utf8')]);
      if (!info.isFile()) return null;
      return { contentType, size: info.size, body: createReadStream(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.flatMap((key) => [rm(this.pathOf(key), { force: true }), rm(`${this.pathOf(key)}.type`, { force: true })]));
  }
}
