/** The work every pipeline in the benchmark does per pose: the built-in renderer, then the blob store. */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FilesystemBlobStore } from '../../activities/blobs/filesystem.js';
import { renderPose } from '../../activities/inference/renderer.js';
import type { ImageRecord, Pose } from '../../domain/character.js';

export function renderAndStore(blobDir: string, latencyMs: number) {
  const blobs = new FilesystemBlobStore(blobDir);
  return async (id: string, pose: Pose, seed: number): Promise<ImageRecord> => {
    if (latencyMs > 0) await sleep(latencyMs);
    const bytes = renderPose({ hair_color: 'black' }, pose, seed, 96);
    const key = `bench/${id}/${pose}-${seed}.png`;
    await blobs.put(key, bytes, 'image/png');
    return { key, contentType: 'image/png', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  };
}
