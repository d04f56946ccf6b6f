/**
 * How often the built-in pose classifier is right on the built-in renderer's own sheets with random
 * attributes: `node --import tsx scripts/bench/classifier-accuracy.ts [count]` prints it and writes
 * results/classifier-accuracy.json. The unit test holds it to ≥ 95 %.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyPose } from '../../activities/inference/pose-classifier.js';
import { prng } from '../../activities/inference/prng.js';
import { renderPose } from '../../activities/inference/renderer.js';
import { POSES } from '../../domain/character.js';

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const COLOURS = ['black', 'brown', 'red', 'blonde', 'white', 'gray', 'platinum', 'auburn', 'blue', 'green', 'teal', 'pink'];

/** `count` sheets, poses in turn, attributes drawn from `seed`; at the renderer's default size. */
export async function classifierAccuracy(count: number, seed: number): Promise<{ correct: number; total: number; misses: string[] }> {
  const random = prng(`classifier-${seed}`);
  let correct = 0;
  const misses: string[] = [];
  for (let i = 0; i < count; i++) {
    const pose = POSES[i % POSES.length]!;
    const attributes = {
      hair_color: pick(random, COLOURS),
      eye_color: pick(random, COLOURS),
      hair_style: pick(random, ['long', 'short', 'bald', 'ponytail', 'wavy']),
      body_type: pick(random, ['slim', 'heavy', 'athletic', 'average']),
      age: 18 + Math.floor(random() * 70),
    };
    const guess = await classifyPose(renderPose(attributes, pose, i, 320));
    if (guess.pose === pose) correct++;
    else misses.push(`${pose} → ${guess.pose} ${JSON.stringify(attributes)}`);
  }
  return { correct, total: count, misses };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 100);
  const result = await classifierAccuracy(count, 1);
  console.log(`built-in pose classifier: ${result.correct}/${result.total} correct (${((100 * result.correct) / result.total).toFixed(1)} %)`);
  for (const miss of result.misses) console.log(`  miss: ${miss}`);
  writeFileSync(new URL('../../results/classifier-accuracy.json', import.meta.url), `${JSON.stringify({ ...result, measuredAt: new Date().toISOString() }, null, 2)}\n`);
}
