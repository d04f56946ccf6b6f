/**
 * How long the built-in renderer takes for one image generation (refs decoded, scene painted,
 * upscaled, PNG encoded), at 2048² and 4096², with a character and without. Prints the median of a
 * few runs and writes results/render-image.json. Numbers are reported, never asserted.
 *
 *   node --import tsx scripts/bench/render-image.ts [runs]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { ImageRef } from '../../activities/inference/backend.js';
import { renderPose } from '../../activities/inference/renderer.js';
import { renderScene } from '../../activities/inference/scene.js';
import { SYNTHESIS_POSES } from '../../domain/character.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runs = Number(process.argv[2] ?? 5);
const refs: ImageRef[] = SYNTHESIS_POSES.map((pose) => ({
  pose,
  bytes: renderPose({ hair_color: 'auburn', hair_style: 'long', eye_color: 'green' }, pose, 7, 320),
  contentType: 'image/png',
}));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const rows: { size: string; refs: number; median_ms: number; runs_ms: number[]; png_bytes: number }[] = [];
for (const side of [2048, 4096]) {
  for (const withRefs of [refs, []]) {
    const times: number[] = [];
    let bytes = 0;
    // One untimed run first: sharp loads libvips lazily, and that is not the renderer's cost.
    for (let i = -1; i < runs; i++) {
      const started = performance.now();
      const png = await renderScene({
        prompt: 'walking through a forest below snowy mountains at sunset',
        negativePrompt: 'blurry',
        width: side,
        height: side,
        seed: 1000 + i,
        steps: 30,
        guidanceScale: 7.5,
        denoiseStrength: 0.6,
        refs: withRefs,
        signal: new AbortController().signal,
      });
      if (i >= 0) times.push(Math.round((performance.now() - started) * 10) / 10);
      bytes = png.length;
    }
    const row = { size: `${side}x${side}`, refs: withRefs.length, median_ms: median(times), runs_ms: times, png_bytes: bytes };
    rows.push(row);
    console.log(`${row.size} ${row.refs ? 'i2i' : 't2i'}: median ${row.median_ms} ms over ${runs} runs (${times.join(', ')}), ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, sharp ${sharp.versions.sharp}`;
mkdirSync(join(root, 'results'), { recursive: true });
writeFileSync(join(root, 'results', 'render-image.json'), `${JSON.stringify({ at: new Date().toISOString(), machine, rows }, null, 2)}\n`);
console.log('results in results/render-image.json');
