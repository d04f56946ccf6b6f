/**
 * The built-in backend's pose classifier: an image heuristic, not a model. It recognises the
 * reference sheets the built-in renderer draws (a figure on a plain background; eyes drawn with
 * white sclera): no eyes → back, one → side, two of a size → front, two of different sizes → the
 * three-quarter `other`, and a figure cut by the bottom edge → portrait. Anything that does not
 * look like such a sheet (a photo, a busy background) is `other` with low confidence. It reads the
 * renderer's PNG (or lossless) sheets: lossy re-encoding blurs the few sclera pixels of a small sheet.
 */
import sharp from 'sharp';
import type { PoseGuess } from '../../domain/uploads.js';

/** Sheets are analysed at most this wide: enough for the eyes of a 320 px sheet, cheap for a 4096 px photo. */
const ANALYSIS_SIDE = 512;
/** How far a colour may drift (lossy re-encoding) and still be the background, or the sclera. */
const NEAR = 10;
const SCLERA = [250, 250, 250] as const;
const SCLERA_NEAR = 3;
/** An eye is small: a near-white area larger than this share of the image is hair, a collar or a sky. */
const MAX_EYE_SHARE = 0.01;
const UNSURE: PoseGuess = { pose: 'other', confidence: 0.2 };

interface Blob {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  pixels: number;
}

export async function classifyPose(bytes: Buffer): Promise<PoseGuess> {
  const { data, info } = await sharp(bytes)
    .resize({ width: ANALYSIS_SIDE, height: ANALYSIS_SIDE, fit: 'inside', withoutEnlargement: true, kernel: 'nearest' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const at = (x: number, y: number) => (y * width + x) * 3;
  const near = (i: number, c: readonly number[], by = NEAR) => Math.abs(data[i]! - c[0]!) <= by && Math.abs(data[i + 1]! - c[1]!) <= by && Math.abs(data[i + 2]! - c[2]!) <= by;

  // A sheet's top and side edges are all background.
  const background = [data[0]!, data[1]!, data[2]!];
  let edge = 0;
  let plain = 0;
  for (let x = 0; x < width; x++, edge++) if (near(at(x, 0), background)) plain++;
  for (let y = 0; y < height; y++, edge += 2) {
    if (near(at(0, y), background)) plain++;
    if (near(at(width - 1, y), background)) plain++;
  }
  if (plain / edge < 0.9) return UNSURE;

  let figure = 0;
  for (let i = 0; i < data.length; i += 3) if (!near(i, background)) figure++;
  const share = figure / (width * height);
  if (share < 0.02 || share > 0.85) return UNSURE;

  let bottom = 0;
  for (let x = 0; x < width; x++) if (!near(at(x, height - 1), background)) bottom++;
  if (bottom / width > 0.4) return { pose: 'portrait', confidence: 0.9 };

  const eyes = eyesIn(width, height, (x, y) => near(at(x, y), SCLERA, SCLERA_NEAR)).filter((e) => e.pixels <= MAX_EYE_SHARE * width * height);
  if (eyes.length === 0) return { pose: 'back', confidence: 0.85 };
  if (eyes.length === 1) return { pose: 'side', confidence: 0.85 };
  if (eyes.length === 2) {
    // The three-quarter view turns the face: its eyes sit right of the body's axis (the legs'
    // middle), and the far one is smaller (0.64 of the area). A front view's eyes straddle the axis.
    const [a, b] = eyes.map((e) => e.pixels).sort((p, q) => p - q) as [number, number];
    const turned = (eyesMiddle(eyes) - bodyAxis(width, height, (x, y) => !near(at(x, y), background))) / width;
    return a / b < 0.7 || turned > 0.009 ? { pose: 'other', confidence: 0.8 } : { pose: 'front', confidence: 0.9 };
  }
  return UNSURE;
}

function eyesMiddle(eyes: Blob[]): number {
  return eyes.reduce((sum, e) => sum + (e.minX + e.maxX) / 2, 0) / eyes.length;
}

/** The middle of the figure at leg height (60 % down a sheet): the body's vertical axis. */
function bodyAxis(width: number, height: number, isFigure: (x: number, y: number) => boolean): number {
  const row = Math.round(height * 0.6);
  let left = width;
  let right = -1;
  for (let x = 0; x < width; x++) {
    if (!isFigure(x, row)) continue;
    left = Math.min(left, x);
    right = Math.max(right, x);
  }
  return right < 0 ? width / 2 : (left + right) / 2;
}

/**
 * Sclera pixels grouped into eyes: connected pieces first (a pupil may split one), then pieces
 * merged when their boxes, widened by half the taller one's height, touch: the two halves of one eye do, two
 * eyes (more than two eye-heights apart) do not.
 */
function eyesIn(width: number, height: number, isSclera: (x: number, y: number) => boolean): Blob[] {
  const seen = new Uint8Array(width * height);
  const pieces: Blob[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (seen[y * width + x] || !isSclera(x, y)) continue;
      const blob: Blob = { minX: x, maxX: x, minY: y, maxY: y, pixels: 0 };
      const stack = [[x, y]];
      seen[y * width + x] = 1;
      while (stack.length) {
        const [px, py] = stack.pop()!;
        blob.pixels++;
        blob.minX = Math.min(blob.minX, px!);
        blob.maxX = Math.max(blob.maxX, px!);
        blob.minY = Math.min(blob.minY, py!);
        blob.maxY = Math.max(blob.maxY, py!);
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = px! + dx;
            const ny = py! + dy;
            if (nx < 0 || ny < 0 || nx >= width || ny >= height || seen[ny * width + nx] || !isSclera(nx, ny)) continue;
            seen[ny * width + nx] = 1;
            stack.push([nx, ny]);
          }
        }
      }
      pieces.push(blob);
    }
  }
  const eyes: Blob[] = [];
  for (const piece of pieces.sort((a, b) => a.minX - b.minX)) {
    const into = eyes.find((e) => {
      const pad = Math.max(piece.maxY - piece.minY + 1, e.maxY - e.minY + 1) / 2;
      return piece.minX - pad <= e.maxX + 1 && piece.maxY >= e.minY - pad && piece.minY <= e.maxY + pad;
    });
    if (!into) eyes.push({ ...piece });
    else {
      into.minX = Math.min(into.minX, piece.minX);
      into.maxX = Math.max(into.maxX, piece.maxX);
      into.minY = Math.min(into.minY, piece.minY);
      into.maxY = Math.max(into.maxY, piece.maxY);
      into.pixels += piece.pixels;
    }
  }
  return eyes;
}
