/**
 * The status machine as pure functions: which status allows which call, what it
 * costs, where a generation lands. The workflow calls these; test/transitions.test.ts checks them
 * without Temporal.
 */
import type { Lifecycle, Pose, Status } from './character.js';
import { SYNTHESIS_POSES } from './character.js';
import type { Refusal } from './errors.js';
import { CREDITS_PER_POSE } from './pricing.js';
import { characterNotReady } from './images.js';
import { characterNotFound } from './refusals.js';

export type Action = 'create' | 'createFromUploads' | 'regenerateRef' | 'resynthesize' | 'save' | 'update' | 'delete' | 'useInImage';

const ALLOWED_FROM: Record<Action, readonly Lifecycle[]> = {
  create: ['new'],
  createFromUploads: ['new'],
  regenerateRef: ['reviewing', 'ready', 'failed'],
  resynthesize: ['reviewing', 'ready', 'failed'],
  save: ['reviewing', 'ready'],
  update: ['synthesizing', 'reviewing', 'ready', 'failed'],
  delete: ['synthesizing', 'reviewing', 'ready', 'failed'],
  useInImage: ['ready'],
};

const ROUTE_WORDS: Record<Action, string> = {
  create: 'create',
  createFromUploads: 'create',
  regenerateRef: 'regenerate a ref',
  resynthesize: 'resynthesize',
  save: 'save',
  update: 'update',
  delete: 'delete',
  useInImage: 'use',
};

const FIX_HINT: Partial<Record<Lifecycle, string>> = {
  synthesizing: 'Poll GET /v1/characters/{id} until the status is reviewing, ready or failed, then retry.',
  failed: 'Call POST /v1/characters/{id}/resynthesize or /refs/regenerate to try the generation again.',
};

/**
 * Why `action` is refused in `status`, or null when it is allowed. `purged`: a deleted character
 * whose images are gone (hard delete), which an image generation cannot tell from a missing one.
 */
export function refusalFor(action: Action, status: Lifecycle, purged = false): Refusal | null {
  if (action === 'useInImage') return imageUseRefusal(status, purged);
  if (status === 'deleted' || status === 'rejected' || (status === 'new' && !ALLOWED_FROM[action].includes('new'))) {
    return characterNotFound();
  }
  if (ALLOWED_FROM[action].includes(status)) return null;
  const hint = FIX_HINT[status] ?? '';
  return {
    code: 'invalid_state',
    message: `Cannot ${ROUTE_WORDS[action]} a character whose status is ${status}. ${hint}`.trim(),
  };
}

/** The poses an action generates; empty for the free ones. */
export function posesGeneratedBy(action: Action, pose?: Pose): readonly Pose[] {
  switch (action) {
    case 'create':
    case 'resynthesize':
      return SYNTHESIS_POSES;
    case 'regenerateRef':
      return pose ? [pose] : [];
    default:
      return [];
  }
}

/** What `action` costs, in credits (the rate card in pricing.ts prices a pose; free actions generate none). */
export function costOf(action: Action, pose?: Pose): number {
  return posesGeneratedBy(action, pose).length * CREDITS_PER_POSE;
}

/** Where a generation started from `status` lands when every pose succeeds: ready stays ready. */
export function landingStatus(startedFrom: Lifecycle): Status {
  return startedFrom === 'ready' ? 'ready' : 'reviewing';
}

/** The status once a generation settles: any pose that finally failed makes the character `failed`. */
export function settledStatus(startedFrom: Lifecycle, failedPoses: readonly Pose[]): Status {
  return failedPoses.length > 0 ? 'failed' : landingStatus(startedFrom);
}

/** The credits returned when `undelivered` poses of a paid generation never produced an image. */
export function refundFor(undelivered: readonly Pose[]): number {
  return undelivered.length * CREDITS_PER_POSE;
}

/**
 * Delete purges a reviewing character's images (hard delete: nobody adopted them); every other
 * status keeps them for the audit trail (soft delete).
 */
export function purgesImagesOnDelete(status: Lifecycle): boolean {
  return status === 'reviewing';
}

/** An image generation may use a ready character; a soft-deleted one is "not ready", a hard-deleted one missing. */
function imageUseRefusal(status: Lifecycle, purged: boolean): Refusal | null {
  if (status === 'ready') return null;
  if (status === 'new' || status === 'rejected' || (status === 'deleted' && purged)) return { ...characterNotFound(), param: 'character_id' };
  return characterNotReady(status);
}
