/**
 * An image generation: a prompt, optionally anchored on a `ready` character's pinned refs, rendered
 * into `count` outputs. Sizes, costs and the status rules as pure functions; shared by api/ and
 * workflows/ (no Node-only imports).
 */
import type { ImageRecord, Pose } from './character.js';
import type { Refusal } from './errors.js';
import { RATE_CARD, credits } from './pricing.js';

export const SIZE_TIERS = ['2k', '4k'] as const;
export type SizeTier = (typeof SIZE_TIERS)[number];
export const ASPECT_RATIOS = ['1_1', '3_2', '2_3', '4_3', '3_4', '16_9', '9_16', '21_9'] as const;
export const SIZE_PRESETS = SIZE_TIERS.flatMap((tier) => ASPECT_RATIOS.map((ratio) => `${tier}_${ratio}` as const));
export type SizePreset = (typeof SIZE_PRESETS)[number];
export const DEFAULT_SIZE_PRESET: SizePreset = '2k_1_1';

/** Custom sides, before snapping. */
export const MIN_SIDE = 1024;
export const MAX_SIDE = 4096;
const SIDE_STEP = 32;
const LONG_SIDE: Record<SizeTier, number> = { '2k': 2048, '4k': 4096 };

export const IMAGE_STATUSES = ['pending', 'processing', 'succeeded', 'failed', 'cancelled'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];
/** `new`: started, not yet paid for; `rejected`: refused at submission (never visible). */
export type ImageLifecycle = ImageStatus | 'new' | 'rejected';

export const IMAGE_DEFAULTS = { count: 1, denoiseStrength: 0.6, steps: 30, guidanceScale: 7.5 } as const;
export const MAX_SEED = 4294967295;

/** The nearest multiple of 32. */
export function snapSide(side: number): number {
  return Math.round(side / SIDE_STEP) * SIDE_STEP;
}

/** A preset's pixels: the long side at the tier's size, the short side by the ratio, both multiples of 32. */
export function presetSize(preset: SizePreset): { width: number; height: number } {
  const [tier, w, h] = preset.split('_') as [SizeTier, string, string];
  const long = LONG_SIDE[tier];
  const [rw, rh] = [Number(w), Number(h)];
  return rw >= rh ? { width: long, height: snapSide((long * rh) / rw) } : { width: snapSide((long * rw) / rh), height: long };
}

/** The price tier of a size: 4k when either side is over 2048. */
export function tierOf(width: number, height: number): SizeTier {
  return width > LONG_SIDE['2k'] || height > LONG_SIDE['2k'] ? '4k' : '2k';
}

/** Credits per output at this size. */
export function creditsPerOutput(width: number, height: number): number {
  return RATE_CARD.image[tierOf(width, height)];
}

/** A pinned ref: the character's image as it was when the generation was accepted. */
export interface PinnedRef extends ImageRecord {
  pose: Pose;
}

/** What the submission decided: everything a generation needs, fixed forever. */
export interface ImageSpec {
  prompt: string;
  negativePrompt: string | null;
  characterId: string | null;
  sizePreset: SizePreset | null;
  width: number;
  height: number;
  count: number;
  seed: number;
  denoiseStrength: number;
  steps: number;
  guidanceScale: number;
  webhookUrl: string | null;
  clientReferenceId: string | null;
}

/** What starts an image workflow. `refs` are the character's refs as pinned at acceptance. */
export interface ImageSeed extends ImageSpec {
  id: string;
  teamId: string;
  refs: PinnedRef[];
  aurousVersion: string;
  createdAt: string;
}

/** The generation as its workflow holds it (and publishes in its memo). */
export interface ImageGeneration extends ImageSeed {
  status: ImageLifecycle;
  /** One slot per output, in output order: null until (unless) it is delivered. */
  outputs: (ImageRecord | null)[];
  /** Credits taken at submission, and returned since. */
  charged: number;
  refunded: number;
  errorMessage: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

export function isTerminal(status: ImageLifecycle): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

export function isVisibleImage(status: ImageLifecycle): status is ImageStatus {
  return status !== 'new' && status !== 'rejected';
}

/** Why a cancel is refused in `status`, or null when it goes ahead (an already cancelled one answers unchanged). */
export function cancelRefusal(status: ImageLifecycle): Refusal | null {
  if (!isVisibleImage(status)) return imageNotFound();
  if (status === 'succeeded' || status === 'failed') {
    return { code: 'generation_not_cancellable', message: `This generation has ${status}; only a pending or processing generation can be cancelled.` };
  }
  return null;
}

export function imageNotFound(): Refusal {
  return { code: 'resource_not_found', message: 'No such image generation.', param: 'id' };
}

/** A character that cannot anchor a generation in its status. */
export function characterNotReady(status: string): Refusal {
  return {
    code: 'character_not_ready',
    message: `The character is ${status}; only a ready character can be used. Save it (POST /v1/characters/{id}/save) once its refs are approved, then retry.`,
    param: 'character_id',
  };
}

/** The error message of a generation some of whose outputs finally failed. */
export function outputsFailedMessage(failures: readonly { index: number; message: string }[], refunded: number): string {
  const which = failures.map((f) => `output ${f.index + 1} (${f.message})`).join('; ');
  return `Generation failed for ${which}. ${credits(refunded)} refunded; submit again to retry.`;
}
