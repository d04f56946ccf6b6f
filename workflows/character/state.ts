/** What a character workflow holds, and hands to its next run at continue-as-new. */
import type { Character, CharacterSeed, Lifecycle, Pose } from '../../domain/character.js';
import type { Action } from '../../domain/transitions.js';

/** A paid generation of some poses, pending or running. */
export interface Generation {
  debitId: string;
  poses: Pose[];
  startedFrom: Lifecycle;
  promptOverride?: string;
  delivered: Pose[];
  failures: { pose: Pose; message: string }[];
}

/** An idempotent Update already applied: which action, and when (workflow time, ms). */
export interface AppliedUpdate {
  action: Action;
  at: number;
}

export interface CharacterWorkflowState {
  character: Character;
  seedCounter: number;
  /** Images replaced by a later generation, purged at save. */
  staleImages: string[];
  generation: Generation | null;
  /**
   * Idempotent Update ids already applied. Temporal dedupes an Update id within one run only;
   * this carries the dedupe across continue-as-new for the replay window.
   */
  appliedUpdates: Record<string, AppliedUpdate>;
  /** Poses delivered over the character's life: what its team paid for, net of refunds. */
  delivered?: number;
  /** Deleted with its images purged (hard delete). */
  purged?: boolean;
}

export type CharacterWorkflowInput = { seed: CharacterSeed } | { state: CharacterWorkflowState };

export function stateOf(input: CharacterWorkflowInput): CharacterWorkflowState {
  if ('state' in input) return input.state;
  return {
    character: { ...input.seed, status: 'new', refs: [], updatedAt: input.seed.createdAt, errorMessage: null },
    seedCounter: 0,
    staleImages: [],
    generation: null,
    appliedUpdates: {},
  };
}
