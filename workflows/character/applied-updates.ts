/**
 * Idempotent Update ids a character has applied, remembered across continue-as-new: Temporal
 * dedupes an Update id within one run only, and a client may retry a day later.
 */
import { currentUpdateInfo } from '@temporalio/workflow';
import { IDEMPOTENT_UPDATE_PREFIX } from '../../domain/ids.js';
import type { Action } from '../../domain/transitions.js';
import { nowMs } from '../clock.js';
import type { AppliedUpdate } from './state.js';

/** As long as the Idempotency-Key replay window. */
const REMEMBER_MS = 24 * 3600 * 1000;

export class AppliedUpdates {
  constructor(private readonly applied: Record<string, AppliedUpdate>) {}

  /** The earlier run of the Update being handled, if a retry brings it again after continue-as-new. */
  current(): AppliedUpdate | undefined {
    const id = currentUpdateInfo()?.id;
    return id ? this.applied[id] : undefined;
  }

  /** Remembers the Update being handled, when it is an idempotent one. */
  remember(action: Action): void {
    const id = currentUpdateInfo()?.id;
    if (id?.startsWith(IDEMPOTENT_UPDATE_PREFIX)) this.applied[id] = { action, at: nowMs() };
  }

  /** Drops what is older than the replay window; called before the state is handed to a new run. */
  forgetOld(): void {
    const horizon = nowMs() - REMEMBER_MS;
    for (const [id, { at }] of Object.entries(this.applied)) if (at < horizon) delete this.applied[id];
  }
}
