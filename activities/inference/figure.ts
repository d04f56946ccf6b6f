/**
 * How a character is drawn: head, hair, eyes and body for each pose, from a `Look`. Shared by the
 * reference sheets (renderer.ts, look from attributes) and generated scenes (scene.ts, look read
 * from the reference images).
 */
import type { Pose } from '../../domain/character.js';
import type { Canvas } from './canvas.js';
import { type Rgb, shade } from './colors.js';

export interface Look {
  skin: Rgb;
  hair: Rgb | null;
  hairLength: 'none' | 'short' | 'medium' | 'long';
  eyes: Rgb;
  clothes: Rgb;
  build: number;
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

/** Where, within its square frame, a standing figure's feet are (as a share of the frame's side). */
export const FEET_IN_FRAME = 0.71;

/**
 * Draws one pose of a character into a square frame of side `size` whose top edge is `frameTop`:
 * `portrait` is head and shoulders filling the frame (cut at its bottom), the others a standing
 * figure whose feet are at `frameTop + size * FEET_IN_FRAME`.
 */
export function drawCharacter(c: Canvas, cx: number, frameTop: number, size: number, look: Look, pose: Pose): void {
  if (pose === 'portrait') {
    const r = size * 0.24;
    c.ellipse(cx, frameTop + size * 1.02, size * 0.42 * look.build, size * 0.3, look.clothes);
    drawHead(c, cx, frameTop + size * 0.45, r, look, pose);
  } else {
    const unit = size * 0.1;
    const headR = unit * 0.75;
    drawBody(c, cx, frameTop + size * 0.28, unit, look, pose);
    drawHead(c, cx, frameTop + size * 0.17, headR, look, pose);
  }
}
