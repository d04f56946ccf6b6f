/**
 * Reads a character's look (hair, skin, eyes, clothes, hair length) from its reference images
 * themselves, never from its attributes: the refs are what a generation pins, and an uploaded
 * character may have no attributes at all. Each ref is decoded small, its backdrop found from its
 * border, and the dominant colour sampled in pose-specific regions of the figure's bounding box.
 */
import sharp, { type OutputInfo } from 'sharp';
import type { Pose } from '../../domain/character.js';
import { type ImageRef, PermanentGenerationFailure } from './backend.js';
import type { Rgb } from './colors.js';
import type { Look } from './figure.js';

/** A region of the figure's bounding box: [left, top, right, bottom] as shares of its sides. */
type Box = readonly [number, number, number, number];
type Feature = 'hair' | 'skin' | 'eyes' | 'clothes' | 'longHair';

/**
 * Where each feature shows in each view, measured on the reference sheets renderer.ts draws and
 * loose enough for other pictures of a standing figure or a head-and-shoulders portrait.
 */
const REGIONS: Partial<Record<Pose, Partial<Record<Feature, readonly Box[]>>>> = {
  portrait: {
    hair: [[0.4, 0, 0.6, 0.08]],
    skin: [[0.42, 0.42, 0.58, 0.62]],
    eyes: [[0.25, 0.33, 0.75, 0.38]],
    clothes: [[0.02, 0.92, 0.12, 1], [0.88, 0.92, 0.98, 1]],
    longHair: [[0.46, 0.9, 0.54, 1]],
  },
  front: {
    hair: [[0.4, 0, 0.6, 0.05]],
    skin: [[0.42, 0.17, 0.58, 0.25]],
    clothes: [[0.38, 0.47, 0.62, 0.62]],
    longHair: [[0.46, 0.32, 0.54, 0.4]],
  },
  back: {
    hair: [[0.4, 0.05, 0.6, 0.2]],
    clothes: [[0.38, 0.47, 0.62, 0.62]],
    longHair: [[0.46, 0.32, 0.54, 0.4]],
  },
};

/** Which refs to trust first for each feature. An `other` or `side` ref is read as a front view. */
const PREFERENCE: Record<Feature, readonly Pose[]> = {
  hair: ['portrait', 'front', 'back', 'other', 'side'],
  skin: ['portrait', 'front', 'other', 'side'],
  eyes: ['portrait'],
  clothes: ['front', 'back', 'other', 'side', 'portrait'],
  longHair: ['front', 'back', 'portrait', 'other'],
};

interface Decoded {
  width: number;
  height: number;
  /** RGB, row by row. */
  pixels: Buffer;
  background: Rgb;
  /** The figure's bounding box in pixels: [left, top, right, bottom), or the whole image. */
  box: readonly [number, number, number, number];
}

const ANALYSIS_SIDE = 128;
const DEFAULT_EYES: Rgb = [101, 67, 33];

function distance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function pixelAt(d: { width: number; pixels: Buffer }, x: number, y: number): Rgb {
  const i = (y * d.width + x) * 3;
  return [d.pixels[i]!, d.pixels[i + 1]!, d.pixels[i + 2]!];
}

/** The most common colour (in 5-bit bins, then averaged within the bin, so flat areas come out exact). */
function dominant(colors: Iterable<Rgb>): Rgb | null {
  const bins = new Map<number, { n: number; r: number; g: number; b: number }>();
  for (const [r, g, b] of colors) {
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    const bin = bins.get(key) ?? { n: 0, r: 0, g: 0, b: 0 };
    bin.n++;
    bin.r += r;
    bin.g += g;
    bin.b += b;
    bins.set(key, bin);
  }
  let best: { key: number; n: number; r: number; g: number; b: number } | null = null;
  for (const [key, bin] of bins) if (!best || bin.n > best.n || (bin.n === best.n && key < best.key)) best = { key, ...bin };
  return best ? [Math.round(best.r / best.n), Math.round(best.g / best.n), Math.round(best.b / best.n)] : null;
}

async function decode(ref: ImageRef): Promise<Decoded> {
  let raw: { data: Buffer; info: OutputInfo };
  try {
    // Nearest-neighbour keeps every sampled pixel a real colour of the ref, so flat areas stay exact.
    raw = await sharp(ref.bytes)
      .flatten({ background: '#ffffff' })
      .resize({ width: ANALYSIS_SIDE, height: ANALYSIS_SIDE, fit: 'inside', kernel: 'nearest', withoutEnlargement: true })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new PermanentGenerationFailure(`the ${ref.pose} reference image cannot be decoded: ${(err as Error).message}`);
  }
  const { width, height, channels } = raw.info;
  const pixels = channels === 3 ? raw.data : toRgb(raw.data, channels);
  const image = { width, pixels };
  const border: Rgb[] = [];
  for (let x = 0; x < width; x++) border.push(pixelAt(image, x, 0), pixelAt(image, x, height - 1));
  for (let y = 0; y < height; y++) border.push(pixelAt(image, 0, y), pixelAt(image, width - 1, y));
  const background = dominant(border)!;
  return { width, height, pixels, background, box: figureBox(image, height, background) };
}

function toRgb(data: Buffer, channels: number): Buffer {
  const out = Buffer.alloc((data.length / channels) * 3);
  for (let i = 0, o = 0; i < data.length; i += channels, o += 3) {
    out[o] = data[i]!;
    out[o + 1] = data[i + (channels > 1 ? 1 : 0)]!;
    out[o + 2] = data[i + (channels > 2 ? 2 : 0)]!;
  }
  return out;
}

/** The rows and columns where the figure stands out from the backdrop (a few pixels' worth, to skip noise). */
function figureBox(image: { width: number; pixels: Buffer }, height: number, background: Rgb): Decoded['box'] {
  const { width } = image;
  const rows = new Array<number>(height).fill(0);
  const cols = new Array<number>(width).fill(0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (distance(pixelAt(image, x, y), background) > 40) {
        rows[y]!++;
        cols[x]!++;
      }
    }
  }
  const minCount = Math.max(1, Math.round(Math.min(width, height) / 100));
  const first = (counts: number[]) => counts.findIndex((n) => n >= minCount);
  const last = (counts: number[]) => counts.length - 1 - [...counts].reverse().findIndex((n) => n >= minCount);
  const top = first(rows);
  if (top < 0) return [0, 0, width, height];
  return [first(cols), top, last(cols) + 1, last(rows) + 1];
}

/** The pixels in some regions of the figure's box that `skip` does not reject. */
function sample(d: Decoded, boxes: readonly Box[], skip: (c: Rgb) => boolean = () => false): Rgb[] {
  const [left, top, right, bottom] = d.box;
  const w = right - left;
  const h = bottom - top;
  const out: Rgb[] = [];
  for (const [x0, y0, x1, y1] of boxes) {
    const xa = left + Math.floor(x0 * w);
    const xb = Math.max(xa + 1, left + Math.ceil(x1 * w));
    const ya = top + Math.floor(y0 * h);
    const yb = Math.max(ya + 1, top + Math.ceil(y1 * h));
    for (let y = ya; y < Math.min(yb, d.height); y++) {
      for (let x = xa; x < Math.min(xb, d.width); x++) {
        const c = pixelAt(d, x, y);
        if (!skip(c)) out.push(c);
      }
    }
  }
  return out;
}

/**
 * The dominant colour of the figure in a region, the backdrop left out, unless most of the region
 * looks like backdrop: then the figure itself shares its colour (pale skin on a pale backdrop).
 */
function regionColor(d: Decoded, boxes: readonly Box[], skip?: (c: Rgb) => boolean): Rgb | null {
  const pixels = sample(d, boxes, skip);
  const figure = pixels.filter((c) => distance(c, d.background) > 24);
  return dominant(figure.length * 2 >= pixels.length ? figure : pixels);
}

/** A feature's colour from the most trusted ref that shows it, or null. */
function featureColor(refs: ReadonlyMap<Pose, Decoded>, feature: Feature, skip?: (c: Rgb) => boolean): Rgb | null {
  for (const pose of PREFERENCE[feature]) {
    const d = refs.get(pose);
    if (!d) continue;
    const boxes = REGIONS[pose]?.[feature] ?? REGIONS.front![feature];
    if (!boxes) continue;
    const color = regionColor(d, boxes, skip);
    if (color) return color;
  }
  return null;
}

/** The look the refs show, for drawing the character into a scene; null without refs. */
export async function lookFromRefs(refs: readonly ImageRef[]): Promise<Look | null> {
  if (refs.length === 0) return null;
  const decoded = new Map<Pose, Decoded>();
  // The first ref of each pose counts; a character has at most one per pose anyway.
  for (const ref of refs) if (!decoded.has(ref.pose)) decoded.set(ref.pose, await decode(ref));
  if (![...decoded.keys()].some((p) => PREFERENCE.skin.includes(p))) {
    // Only a back view: read it as a front view too, so the figure still gets a face colour.
    const back = decoded.get('back');
    if (back) decoded.set('front', back);
  }
  const skin = featureColor(decoded, 'skin') ?? [205, 160, 120];
  const top = featureColor(decoded, 'hair');
  // A head whose top is skin-coloured is bald.
  const hair = top && distance(top, skin) > 30 ? top : null;
  const clothes = featureColor(decoded, 'clothes') ?? [90, 90, 110];
  const like = (c: Rgb, target: Rgb | null) => target !== null && (distance(c, target) < 30 || distance(c, [target[0] * 0.85, target[1] * 0.85, target[2] * 0.85]) < 30);
  // Eyes: what in the eye row is neither skin, hair, white of the eye nor pupil.
  const eyes =
    featureColor(decoded, 'eyes', (c) => like(c, skin) || like(c, hair) || Math.min(...c) > 225 || Math.max(...c) < 35 || distance(c, [skin[0] * 0.6, skin[1] * 0.6, skin[2] * 0.6]) < 20) ??
    (hair ? [Math.round(hair[0] * 0.6), Math.round(hair[1] * 0.6), Math.round(hair[2] * 0.6)] : DEFAULT_EYES);
  const below = hair ? featureColor(decoded, 'longHair') : null;
  const hairLength = !hair ? 'none' : below && like(below, hair) ? 'long' : 'medium';
  return { skin, hair, hairLength, eyes, clothes, build: 1 };
}
