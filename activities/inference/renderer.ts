/**
 * The built-in inference backend: draws a character reference sheet as a real PNG. Deterministic
 * for (attributes, pose, seed); poses differ visibly; hair, eye and skin colour, hair length and
 * build follow the attributes. Latency and failure rates are configurable for demos, tests and
 * benchmarks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Attributes, Pose } from '../../domain/character.js';
import type { GeneratedImage, GenerationRequest, InferenceBackend } from './backend.js';
import { PermanentGenerationFailure, TransientGenerationFailure } from './backend.js';
import { Canvas } from './canvas.js';
import { DEFAULT_SKIN, type Rgb, colorOf, hsl, shade, skinToneIn } from './colors.js';

export interface RendererOptions {
  latencyMs: number;
  /** Share of attempts that fail with a retryable error. */
  transientFailureRate: number;
  /** Share of attempts that fail for good. */
  permanentFailureRate: number;
  /** Share of attempts that never answer (until cancelled or timed out). */
  hangRate: number;
  size: number;
}

export const DEFAULT_RENDERER_OPTIONS: RendererOptions = {
  latencyMs: 1000,
  transientFailureRate: 0,
  permanentFailureRate: 0,
  hangRate: 0,
  size: 320,
};

interface Look {
  skin: Rgb;
  hair: Rgb | null;
  hairLength: 'none' | 'short' | 'medium' | 'long';
  eyes: Rgb;
  clothes: Rgb;
  background: Rgb;
  build: number;
}

/** A small, seedable PRNG (mulberry32): the same inputs always draw the same picture. */
function prng(seedText: string): () => number {
  let h = 1779033703;
  for (let i = 0; i < seedText.length; i++) h = Math.imul(h ^ seedText.charCodeAt(i), 3432918353);
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lookOf(attributes: Attributes | null, random: () => number): Look {
  const a = attributes ?? {};
  const style = (a.hair_style ?? '').toLowerCase();
  const hairLength = /bald|shaved/.test(style)
    ? 'none'
    : /long|waist|braid|ponytail/.test(style)
      ? 'long'
      : /short|buzz|crop|pixie/.test(style)
        ? 'short'
        : 'medium';
  const hairColor = a.hair_color ? colorOf(a.hair_color) : (a.age ?? 0) >= 65 ? colorOf('gray') : colorOf('brown');
  const body = (a.body_type ?? '').toLowerCase();
  const build = /slim|slender|thin|petite|lean/.test(body) ? 0.8 : /heavy|stocky|large|broad|muscular|curvy/.test(body) ? 1.25 : 1;
  return {
    skin: skinToneIn(`${a.additional_details ?? ''} ${a.ethnicity ?? ''}`) ?? DEFAULT_SKIN,
    hair: hairLength === 'none' ? null : hairColor,
    hairLength,
    eyes: a.eye_color ? colorOf(a.eye_color) : colorOf('brown'),
    clothes: hsl(Math.floor(random() * 360), 0.45, 0.4),
    background: hsl(Math.floor(random() * 360), 0.25, 0.88),
    build,
  };
}

function drawEye(c: Canvas, x: number, y: number, r: number, look: Look): void {
  c.ellipse(x, y, r * 1.6, r, [250, 250, 250]);
  c.ellipse(x, y, r * 0.85, r * 0.85, look.eyes);
  c.ellipse(x, y, r * 0.35, r * 0.35, [15, 15, 15]);
}

function drawHairBehind(c: Canvas, cx: number, cy: number, r: number, look: Look): void {
  if (!look.hair) return;
  if (look.hairLength === 'long') c.rect(cx - r * 1.1, cy, r * 2.2, r * 2.6, shade(look.hair, 0.85));
  if (look.hairLength === 'medium') c.rect(cx - r * 1.05, cy, r * 2.1, r * 1.1, shade(look.hair, 0.85));
}

function drawHead(c: Canvas, cx: number, cy: number, r: number, look: Look, view: Pose): void {
  drawHairBehind(c, cx, cy, r, look);
  c.ellipse(cx, cy, r, r * 1.15, look.skin);
  if (view === 'side') c.ellipse(cx + r * 0.95, cy + r * 0.1, r * 0.22, r * 0.18, shade(look.skin, 0.92));
  if (look.hair) {
    if (view === 'back') c.ellipse(cx, cy, r * 1.05, r * 1.2, look.hair);
    else if (view === 'side') c.ellipse(cx - r * 0.25, cy - r * 0.45, r * 0.9, r * 0.75, look.hair);
    else c.ellipse(cx, cy - r * 0.55, r * 1.02, r * 0.62, look.hair);
  }
  const eyeR = r * 0.14;
  const eyeY = cy + r * 0.05;
  if (view === 'portrait' || view === 'front') {
    drawEye(c, cx - r * 0.38, eyeY, eyeR, look);
    drawEye(c, cx + r * 0.38, eyeY, eyeR, look);
    c.rect(cx - r * 0.3, cy + r * 0.55, r * 0.6, Math.max(2, r * 0.08), shade(look.skin, 0.6));
  } else if (view === 'other') {
    drawEye(c, cx - r * 0.1, eyeY, eyeR, look);
    drawEye(c, cx + r * 0.5, eyeY, eyeR * 0.8, look);
    c.rect(cx, cy + r * 0.55, r * 0.45, Math.max(2, r * 0.08), shade(look.skin, 0.6));
  } else if (view === 'side') {
    drawEye(c, cx + r * 0.55, eyeY, eyeR * 0.9, look);
    c.rect(cx + r * 0.55, cy + r * 0.55, r * 0.3, Math.max(2, r * 0.08), shade(look.skin, 0.6));
  }
}

function drawBody(c: Canvas, cx: number, top: number, unit: number, look: Look, view: Pose): void {
  const narrow = view === 'side' ? 0.55 : 1;
  const torsoW = unit * 1.5 * look.build * narrow;
  const torsoH = unit * 2.1;
  const armW = unit * 0.35 * look.build;
  c.rect(cx - torsoW / 2, top, torsoW, torsoH, look.clothes);
  const legW = unit * 0.5 * look.build * narrow;
  const trousers = shade(look.clothes, 0.55);
  c.rect(cx - legW - unit * 0.05, top + torsoH, legW, unit * 2.2, trousers);
  if (view !== 'side') c.rect(cx + unit * 0.05, top + torsoH, legW, unit * 2.2, trousers);
  const sleeve = shade(look.clothes, 0.85);
  if (view === 'side') {
    c.rect(cx - armW / 2, top + unit * 0.1, armW, unit * 1.9, sleeve);
  } else if (view === 'other') {
    c.rect(cx - torsoW / 2 - armW, top + unit * 0.1, armW, unit * 1.9, sleeve);
    c.rect(cx + torsoW / 2, top - unit * 1.4, armW, unit * 1.5, sleeve);
    c.ellipse(cx + torsoW / 2 + armW / 2, top - unit * 1.45, armW * 0.7, armW * 0.7, look.skin);
  } else {
    c.rect(cx - torsoW / 2 - armW, top + unit * 0.1, armW, unit * 1.9, sleeve);
    c.rect(cx + torsoW / 2, top + unit * 0.1, armW, unit * 1.9, sleeve);
  }
}

/** Draws one pose of a character; exported for tests that check the picture itself. */
export function renderPose(attributes: Attributes | null, pose: Pose, seed: number, size: number): Buffer {
  const random = prng(`${JSON.stringify(attributes ?? {})}|${pose}|${seed}`);
  const look = lookOf(attributes, random);
  const c = new Canvas(size, size, look.background);
  const cx = size / 2 + (random() - 0.5) * size * 0.04;
  if (pose === 'portrait') {
    const r = size * 0.24;
    c.ellipse(cx, size * 1.02, size * 0.42 * look.build, size * 0.3, look.clothes);
    drawHead(c, cx, size * 0.45, r, look, pose);
  } else {
    const unit = size * 0.1;
    const headR = unit * 0.75;
    drawBody(c, cx, size * 0.28, unit, look, pose);
    drawHead(c, cx, size * 0.17, headR, look, pose);
  }
  return c.toPng();
}

export type InjectedFault = 'transient' | 'permanent' | 'hang';

export class BuiltInRenderer implements InferenceBackend {
  readonly name = 'renderer';

  constructor(
    private readonly options: RendererOptions = DEFAULT_RENDERER_OPTIONS,
    /** Told of every injected fault, so a chaos run can count them. */
    private readonly onFault?: (fault: InjectedFault) => void,
  ) {}

  async generate(request: GenerationRequest): Promise<GeneratedImage> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs, undefined, { signal: request.signal });
    const roll = Math.random();
    const { hangRate, permanentFailureRate, transientFailureRate } = this.options;
    if (roll < hangRate) {
      this.onFault?.('hang');
      await new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true }));
    }
    if (roll < hangRate + permanentFailureRate) {
      this.onFault?.('permanent');
      throw new PermanentGenerationFailure('renderer: injected permanent failure');
    }
    if (roll < hangRate + permanentFailureRate + transientFailureRate) {
      this.onFault?.('transient');
      throw new TransientGenerationFailure('renderer: injected transient failure');
    }
    return { bytes: renderPose(request.attributes, request.pose, request.seed, this.options.size), contentType: 'image/png' };
  }
}
