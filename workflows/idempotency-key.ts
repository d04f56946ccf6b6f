/**
 * One workflow per (team, Idempotency-Key), alive for the 24 h replay window, then gone: the
 * schedule that forgets old keys is its own timer. It remembers which request the key belongs to
 * (route + canonical body), the Temporal ids the operation uses, and the first 2xx response.
 *
 * It never runs the operation itself: the API does, with ids derived from this record, so a
 * retry after any crash re-issues the very same Update (or update-with-start) and Temporal's own
 * dedupe makes it happen once. A 4xx is not stored: `release` frees the key for a fresh attempt.
 */
import { allHandlersFinished, condition, setHandler, sleep } from '@temporalio/workflow';
import * as messages from '../domain/messages.js';
import type { ClaimResult, IdempotencyClaim, StoredResponse } from '../domain/messages.js';
import { nowMs } from './clock.js';

export const REPLAY_WINDOW = '24 hours';
/** How long a duplicate waits for the original before taking over its (deduplicated) operation. */
const WAIT_FOR_ORIGINAL_MS = 10_000;

interface Holder {
  requestId: string;
  claimedAt: number;
}

export class IdempotencyRecord {
  fingerprint: string | null = null;
  generation = 0;
  /** The operation's id (a character id, for a create), fixed per generation. */
  operationId: string | null = null;
  holder: Holder | null = null;
  response: StoredResponse | null = null;

  private answerFor(fingerprint: string): ClaimResult | null {
    if (this.response) return fingerprint === this.fingerprint ? { kind: 'replay', response: this.response } : { kind: 'conflict' };
    if (this.fingerprint !== null && fingerprint !== this.fingerprint) return { kind: 'conflict' };
    return null;
  }

  async claim(claim: IdempotencyClaim): Promise<ClaimResult> {
    const early = this.answerFor(claim.fingerprint);
    if (early) return early;
    const holder = this.holder;
    if (holder) {
      const waited = nowMs() - holder.claimedAt;
      // A duplicate of a request still running: wait for its outcome, or take over once it looks lost.
      await condition(() => this.response !== null || this.holder !== holder, Math.max(0, WAIT_FOR_ORIGINAL_MS - waited));
      const settled = this.answerFor(claim.fingerprint);
      if (settled) return settled;
    }
    this.fingerprint = claim.fingerprint;
    this.operationId ??= claim.proposedOperationId;
    this.holder = { requestId: claim.requestId, claimedAt: nowMs() };
    return { kind: 'proceed', generation: this.generation, operationId: this.operationId };
  }

  /** Stores the first 2xx; every later completion gets that one back. */
  complete(input: { generation: number; response: StoredResponse }): StoredResponse {
    if (!this.response && input.generation === this.generation) {
      this.response = input.response;
      this.holder = null;
    }
    return this.response ?? input.response;
  }

  /** A 4xx: nothing is stored, and the next attempt starts a fresh generation. */
  release(input: { generation: number }): void {
    if (this.response || input.generation !== this.generation) return;
    this.generation++;
    this.fingerprint = null;
    this.operationId = null;
    this.holder = null;
  }
}

export async function idempotencyWorkflow(): Promise<void> {
  const record = new IdempotencyRecord();
  setHandler(messages.claimIdempotencyKey, (c) => record.claim(c));
  setHandler(messages.completeIdempotentRequest, (c) => record.complete(c));
  setHandler(messages.releaseIdempotencyKey, (r) => record.release(r));
  await sleep(REPLAY_WINDOW);
  await condition(allHandlersFinished);
}
