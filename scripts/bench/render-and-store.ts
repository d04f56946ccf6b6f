/** The work every pipeline in the benchmark does per pose: the built-in renderer, then the blob store. */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FilesystemBlobStore } from '../../activities/blobs/filesystem.js';
import { renderPose } from '../../activities/inference/renderer.js';
import { renderScene } from '../../activities/inference/scene.js';
import type { ImageRecord, Pose } from '../../domain/character.js';

async function store(blobs: FilesystemBlobStore, key: string, bytes: Buffer): Promise<ImageRecord> {
  await blobs.put(key, bytes, 'image/png');
  return { key, contentType: 'image/png', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export function renderAndStore(blobDir: string, latencyMs: number) {
  const blobs = new FilesystemBlobStore(blobDir);
  return async (id: string, pose: Pose, seed: number): Promise<ImageRecord> => {
    if (latencyMs > 0) await sleep(latencyMs);
    return store(blobs, `bench/${id}/${pose}-${seed}.png`, renderPose({ hair_color: 'black' }, pose, seed, 96));
  };
}

/** One output of the image rows' generation, rendered as the built-in renderer does. */
export function renderImageAndStore(blobDir: string, latencyMs: number) {
  const blobs = new FilesystemBlobStore(blobDir);
  return async (id: string, index: number): Promise<ImageRecord> => {
    if (latencyMs > 0) await sleep(latencyMs);
    const bytes = await renderScene({ prompt: 'a lighthouse on a cliff at dusk', negativePrompt: null, width: 1024, height: 1024, seed: index, steps: 30, guidanceScale: 7.5, denoiseStrength: 0.6, refs: [], signal: new AbortController().signal });
    return store(blobs, `bench/${id}/output-${index}.png`, bytes);
  };
}
