/**
 * `node --import tsx scripts/picture-images.ts`: results/character-generations.png, one character's
 * four refs and two generations anchored on them, drawn by the built-in renderer directly (no stack),
 * so a reader can see at a glance that the identity carries over from refs to generations.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { renderPose } from '../activities/inference/renderer.js';
import { renderScene } from '../activities/inference/scene.js';
import { type Attributes, SYNTHESIS_POSES } from '../domain/character.js';
import { IMAGE_DEFAULTS } from '../domain/images.js';

const CHARACTER: Attributes = { hair_color: 'red', hair_style: 'long braid', eye_color: 'green', body_type: 'slim', additional_details: 'freckles' };
const PROMPTS = ['on a beach at sunset', 'in a snowy forest under the moon'];
const REF_SIDE = 256;
const SCENE_SIDE = 512;
const CAPTION = 28;
const WIDTH = REF_SIDE * SYNTHESIS_POSES.length;

function caption(text: string, width: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${CAPTION}"><rect width="100%" height="100%" fill="#1e1e24"/><text x="8" y="19" font-family="sans-serif" font-size="15" fill="#f0f0f0">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const refs = SYNTHESIS_POSES.map((pose) => ({ pose, bytes: renderPose(CHARACTER, pose, 7, REF_SIDE), contentType: 'image/png' }));
const scenes = await Promise.all(
  PROMPTS.map(async (prompt, i) => {
    const png = await renderScene({ ...IMAGE_DEFAULTS, prompt, negativePrompt: null, width: 1024, height: 1024, seed: 40 + i, refs, signal: AbortSignal.timeout(60_000) });
    return sharp(png).resize(SCENE_SIDE, SCENE_SIDE).png().toBuffer();
  }),
);

const sceneTop = CAPTION + REF_SIDE + CAPTION;
const layers = [
  { input: await caption('refs (renderPose): portrait · front · side · back: red long braid, green eyes, slim', WIDTH), top: 0, left: 0 },
  ...refs.map((ref, i) => ({ input: ref.bytes, top: CAPTION, left: i * REF_SIDE })),
  ...(await Promise.all(PROMPTS.map(async (prompt, i) => ({ input: await caption(`generation on the refs: "${prompt}"`, SCENE_SIDE), top: CAPTION + REF_SIDE, left: i * SCENE_SIDE })))),
  ...scenes.map((scene, i) => ({ input: scene, top: sceneTop, left: i * SCENE_SIDE })),
];
const out = fileURLToPath(new URL('../results/character-generations.png', import.meta.url));
mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
await sharp({ create: { width: WIDTH, height: sceneTop + SCENE_SIDE, channels: 3, background: '#1e1e24' } })
  .composite(layers)
  .png({ compressionLevel: 9, palette: false })
  .toFile(out);
console.log(`wrote ${out}`);
