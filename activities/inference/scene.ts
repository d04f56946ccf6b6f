/**
 * The built-in renderer's image generations: paints the scene a prompt plans (scene-plan.ts) with
 * the character, its look read from its refs (ref-look.ts), standing in it. Painting happens on a
 * canvas an eighth of the output's size; sharp then scales it up (nearest neighbour, so colours stay
 * exact) and encodes a fast PNG, so a 4096×4096 output costs tens of milliseconds, not seconds:
 * benchmarks of the orchestration should not be measuring a PNG encoder.
 */
import sharp from 'sharp';
import type { ImageGenerationRequest } from './backend.js';
import { Canvas } from './canvas.js';
import { type Rgb, shade } from './colors.js';
import { FEET_IN_FRAME, type Look, drawCharacter } from './figure.js';
import { prng } from './prng.js';
import { lookFromRefs } from './ref-look.js';
import { type ScenePlan, planScene } from './scene-plan.js';

/** Output pixels per canvas pixel. Sizes are multiples of 32, so the canvas is a whole number of pixels. */
export const SCENE_SCALE = 8;

/** A PRNG per element, so removing one element (negative prompt) leaves the others where they were. */
type Layout = (element: string) => () => number;

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as unknown as Rgb;
}

function paintSky(c: Canvas, plan: ScenePlan, horizonY: number, layout: Layout): void {
  for (let y = 0; y < horizonY; y++) c.rect(0, y, c.width, 1, mix(plan.skyTop, plan.skyBottom, y / Math.max(1, horizonY - 1)));
  if (plan.grain > 0) {
    const random = layout('grain');
    const px = c.rgba();
    for (let y = 0; y < horizonY; y++) {
      for (let x = 0; x < c.width; x++) {
        const i = (y * c.width + x) * 4;
        const n = Math.round((random() * 2 - 1) * plan.grain);
        for (let k = 0; k < 3; k++) px[i + k] = Math.max(0, Math.min(255, px[i + k]! + n));
      }
    }
  }
  const { width: w } = c;
  if (plan.elements.has('stars')) {
    const random = layout('stars');
    for (let i = 0; i < Math.round(w * 0.4); i++) c.rect(Math.floor(random() * w), Math.floor(random() * horizonY * 0.8), 1, 1, [250, 250, 235]);
  }
  if (plan.elements.has('sun')) {
    const random = layout('sun');
    const r = w * 0.06;
    c.ellipse(w * (0.15 + random() * 0.7), horizonY * (0.2 + random() * 0.5), r, r, mix([255, 225, 120], plan.accent, 0.25));
  }
  if (plan.elements.has('moon')) {
    const random = layout('moon');
    const r = w * 0.05;
    const x = w * (0.15 + random() * 0.7);
    const y = horizonY * (0.15 + random() * 0.3);
    c.ellipse(x, y, r, r, [235, 235, 215]);
    // The shadow that makes a crescent is the sky's own colour at that height.
    c.ellipse(x + r * 0.45, y - r * 0.2, r * 0.85, r * 0.85, mix(plan.skyTop, plan.skyBottom, (y - r * 0.2) / Math.max(1, horizonY - 1)));
  }
  if (plan.elements.has('clouds')) {
    const random = layout('clouds');
    const grey: Rgb = plan.elements.has('rain') ? [150, 150, 160] : [245, 245, 250];
    for (let i = 0; i < 3 + Math.floor(random() * 3); i++) {
      const x = random() * w;
      const y = horizonY * (0.1 + random() * 0.5);
      const s = w * (0.04 + random() * 0.04);
      c.ellipse(x, y, s * 1.6, s * 0.7, grey);
      c.ellipse(x - s, y + s * 0.2, s, s * 0.55, grey);
      c.ellipse(x + s, y + s * 0.25, s * 1.1, s * 0.5, grey);
    }
  }
  if (plan.elements.has('birds')) {
    const random = layout('birds');
    for (let i = 0; i < 4 + Math.floor(random() * 4); i++) {
      const x = random() * w;
      const y = horizonY * (0.2 + random() * 0.5);
      c.rect(x - 2, y, 2, 1, [30, 30, 40]);
      c.rect(x + 1, y, 2, 1, [30, 30, 40]);
      c.rect(x, y + 1, 1, 1, [30, 30, 40]);
    }
  }
}

/** Ridges drawn column by column: each peak a tent of random width and height above the horizon. */
function paintMountains(c: Canvas, plan: ScenePlan, horizonY: number, layout: Layout): void {
  const random = layout('mountains');
  const peaks = Array.from({ length: 3 + Math.floor(random() * 3) }, () => ({ x: random() * c.width, h: horizonY * (0.25 + random() * 0.4), slope: 0.6 + random() * 0.8 }));
  const rock = mix(shade(plan.ground, 0.6), [110, 110, 130], 0.5);
  for (let x = 0; x < c.width; x++) {
    const h = Math.max(0, ...peaks.map((p) => p.h - Math.abs(x - p.x) * p.slope));
    if (h > 0) c.rect(x, horizonY - h, 1, h, rock);
    const snowLine = Math.max(0, ...peaks.map((p) => p.h * 0.25 - Math.abs(x - p.x) * p.slope));
    if (snowLine > 0) c.rect(x, horizonY - h, 1, Math.min(h, snowLine), [240, 242, 248]);
  }
}

function paintGround(c: Canvas, plan: ScenePlan, horizonY: number, layout: Layout): void {
  const { width: w, height: h } = c;
  c.rect(0, horizonY, w, h - horizonY, plan.ground);
  if (plan.elements.has('water')) {
    const random = layout('water');
    const shore = horizonY + (h - horizonY) * 0.35;
    const sea = mix(plan.skyTop, [20, 80, 140], 0.5);
    c.rect(0, horizonY, w, shore - horizonY, sea);
    for (let i = 0; i < w * 0.1; i++) c.rect(random() * w, horizonY + random() * (shore - horizonY), w * 0.05, 1, shade(sea, 1.3));
  }
  if (plan.elements.has('buildings')) {
    const random = layout('buildings');
    for (let x = -random() * w * 0.05; x < w; x += w * (0.08 + random() * 0.06)) {
      const bw = w * (0.06 + random() * 0.05);
      const bh = horizonY * (0.2 + random() * 0.55);
      c.rect(x, horizonY - bh, bw, bh, mix([70, 72, 85], plan.skyTop, 0.25));
      for (let wy = horizonY - bh + 3; wy < horizonY - 3; wy += 4) {
        for (let wx = x + 2; wx < x + bw - 2; wx += 4) if (random() < 0.6) c.rect(wx, wy, 2, 2, plan.accent);
      }
    }
  }
  if (plan.elements.has('trees')) {
    const random = layout('trees');
    const trees = Array.from({ length: 4 + Math.floor(random() * 5) }, () => ({ x: random() * w, depth: random() })).sort((a, b) => a.depth - b.depth);
    for (const t of trees) {
      const base = horizonY + (h - horizonY) * t.depth * 0.5;
      const s = h * (0.08 + t.depth * 0.08);
      c.rect(t.x - s * 0.08, base - s * 0.9, s * 0.16, s * 0.9, [90, 60, 35]);
      c.ellipse(t.x, base - s * 1.1, s * 0.45, s * 0.6, mix([40, 120, 50], plan.ground, 0.3));
    }
  }
  if (plan.elements.has('flowers')) {
    const random = layout('flowers');
    for (let i = 0; i < w * 0.3; i++) {
      const y = horizonY + 2 + random() * (h - horizonY - 2);
      c.ellipse(random() * w, y, 1 + (y - horizonY) / h * 2, 1 + (y - horizonY) / h * 2, plan.accent);
    }
  }
}

function paintWeather(c: Canvas, plan: ScenePlan, layout: Layout): void {
  const { width: w, height: h } = c;
  if (plan.elements.has('rain')) {
    const random = layout('rain');
    for (let i = 0; i < w * 0.8; i++) c.rect(random() * w, random() * h, 1, 3, [170, 185, 210]);
  }
  if (plan.elements.has('snow')) {
    const random = layout('snow');
    for (let i = 0; i < w * 0.6; i++) c.rect(random() * w, random() * h, 1, 1, [255, 255, 255]);
  }
}

function paintFigure(c: Canvas, plan: ScenePlan, look: Look, horizonY: number, layout: Layout): void {
  const { width: w, height: h } = c;
  const size = h * plan.figureScale;
  const cx = w * (0.3 + layout('figure')() * 0.4);
  if (plan.pose === 'portrait') {
    // Head and shoulders: the frame's bottom sits on the picture's bottom edge, which cuts the shoulders.
    drawCharacter(c, cx, h - size, size, look, 'portrait');
    return;
  }
  const feetY = Math.max(horizonY + (h - horizonY) * 0.4, h * 0.9);
  drawCharacter(c, cx, feetY - size * FEET_IN_FRAME, size, look, plan.pose);
}

function applyLight(c: Canvas, light: NonNullable<ScenePlan['light']>): void {
  const px = c.rgba();
  for (let i = 0; i < px.length; i += 4) {
    for (let k = 0; k < 3; k++) px[i + k] = Math.round(px[i + k]! * (1 - light.strength + (light.strength * light.tint[k]!) / 255));
  }
}

/** Paints the plan (and the character, when there is a look) on a canvas of the given size. */
export function paintScene(plan: ScenePlan, look: Look | null, width: number, height: number): Canvas {
  const layout: Layout = (element) => prng(`${plan.layoutSeed}|${element}`);
  const c = new Canvas(width, height, plan.skyBottom);
  const horizonY = Math.round(height * plan.horizon);
  paintSky(c, plan, horizonY, layout);
  if (plan.elements.has('mountains')) paintMountains(c, plan, horizonY, layout);
  paintGround(c, plan, horizonY, layout);
  if (look) paintFigure(c, plan, look, horizonY, layout);
  paintWeather(c, plan, layout);
  if (plan.light) applyLight(c, plan.light);
  return c;
}

/** One generated image as PNG bytes: exactly width×height, the same bytes for the same request. */
export async function renderScene(request: ImageGenerationRequest): Promise<Buffer> {
  const plan = planScene(request);
  const look = await lookFromRefs(request.refs);
  const w = Math.max(1, Math.round(request.width / SCENE_SCALE));
  const h = Math.max(1, Math.round(request.height / SCENE_SCALE));
  const canvas = paintScene(plan, look, w, h);
  return sharp(canvas.rgba(), { raw: { width: w, height: h, channels: 4 } })
    .removeAlpha()
    .resize(request.width, request.height, { kernel: 'nearest', fit: 'fill' })
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
}
