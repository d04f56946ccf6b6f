/**
 * A character's paid generations: charging the team, fanning out one activity per pose, and
 * settling (refunds for what was not delivered, the status it lands in).
 */
import { CancellationScope, condition, currentUpdateInfo, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import type { Character, Pose, Ref } from '../../domain/character.js';
import { sortRefs } from '../../domain/character.js';
import { generationFailedMessage } from '../../domain/refusals.js';
import { type Action, costOf, posesGeneratedBy, refundFor, settledStatus } from '../../domain/transitions.js';
import { generatePose, refundRecorded, refundTeam } from '../activities.js';
import { charge } from '../billing.js';
import { nowIso } from '../clock.js';
import { failureMessage } from '../failures.js';
import type { CharacterWorkflowState, Generation } from './state.js';

/** Refunds run as recorded activities from this patch on; runs recorded before it replay with local ones. */
export const CHARACTER_RECORDED_REFUND_PATCH = 'character-refund-recorded';

/** A delete arrived before the queued generation started: it never runs. */
class CancelledGeneration extends Error {}

export class Generations {
  private scope: CancellationScope | null = null;
  private cancelRequested = false;

  constructor(
    private readonly state: CharacterWorkflowState,
    /** Called after every change to the character, to stamp and publish it. */
    private readonly changed: () => void,
  ) {}

  private get character(): Character {
    return this.state.character;
  }

  /** Charges `action`, then queues its poses; the main loop runs them. */
  async charge(action: Action, pose?: Pose, promptOverride?: string): Promise<void> {
    const updateId = currentUpdateInfo()?.id ?? workflowInfo().runId;
    const debitId = `${this.character.id}/${updateId}`;
    const cost = costOf(action, pose);
    await charge(this.character.teamId, { entryId: debitId, amount: cost, characterId: this.character.id, reason: action });
    this.state.generation = {
      debitId,
      poses: [...posesGeneratedBy(action, pose)],
      startedFrom: this.character.status,
      promptOverride,
      delivered: [],
      failures: [],
    };
    this.character.status = 'synthesizing';
    this.character.errorMessage = null;
    this.changed();
  }

  /** Cancels the pending or running generation and waits until it has settled (refunded). */
  async cancel(): Promise<void> {
    if (!this.state.generation) return;
    this.cancelRequested = true;
    this.scope?.cancel();
    await condition(() => this.state.generation === null);
  }

  /** Generates every pose of the queued generation in parallel, then settles it. */
  async run(): Promise<void> {
    const generation = this.state.generation;
    if (!generation) return;
    this.scope = new CancellationScope();
    let cancelled = this.cancelRequested;
    try {
      if (cancelled) throw new CancelledGeneration();
      await this.scope.run(() => Promise.all(generation.poses.map((pose) => this.generateOne(generation, pose))));
    } catch (err) {
      if (!isCancellation(err) && !(err instanceof CancelledGeneration)) throw err;
      cancelled = true;
    } finally {
      this.scope = null;
    }
    await this.settle(generation, cancelled);
  }

  private async generateOne(generation: Generation, pose: Pose): Promise<void> {
    const seed = ++this.state.seedCounter;
    try {
      const image = await generatePose({
        teamId: this.character.teamId,
        characterId: this.character.id,
        pose,
        seed,
        attributes: this.character.attributes,
        promptOverride: generation.promptOverride,
      });
      this.acceptRef({ ...image, pose, seed, generatedAt: nowIso() });
      generation.delivered.push(pose);
      this.state.delivered = (this.state.delivered ?? 0) + 1;
    } catch (err) {
      if (isCancellation(err)) throw err;
      generation.failures.push({ pose, message: failureMessage(err) });
    }
  }

  private acceptRef(ref: Ref): void {
    const refs = this.character.refs;
    const at = refs.findIndex((r) => r.pose === ref.pose);
    if (at >= 0) this.state.staleImages.push(refs[at]!.key);
    // Uploaded refs keep the client's order (the first is the cover): the new pose takes the
    // place of the first ref of that pose, or comes last. Synthesized refs are in pose order.
    if (this.character.fromUploads) this.character.refs = at >= 0 ? refs.map((r, i) => (i === at ? ref : r)) : [...refs, ref];
    else this.character.refs = sortRefs([...refs.filter((r) => r.pose !== ref.pose), ref]);
    this.changed();
  }

  /** Refunds what was not delivered and lands the status (unless a delete cancelled the generation). */
  private async settle(generation: Generation, cancelled: boolean): Promise<void> {
    const undelivered = generation.poses.filter((p) => !generation.delivered.includes(p));
    const refund = refundFor(undelivered);
    if (refund > 0) {
      // A recorded activity: a cancelled generation's refund is decided by this task (see refundRecorded).
      const pay = patched(CHARACTER_RECORDED_REFUND_PATCH) ? refundRecorded : refundTeam;
      await CancellationScope.nonCancellable(() =>
        pay(this.character.teamId, {
          entryId: `${generation.debitId}/refund`,
          debitId: generation.debitId,
          amount: refund,
          characterId: this.character.id,
          reason: cancelled ? 'generation cancelled' : 'generation failed',
        }),
      );
    }
    if (!cancelled) {
      this.character.status = settledStatus(generation.startedFrom, generation.failures.map((f) => f.pose));
      this.character.errorMessage = generation.failures.length ? generationFailedMessage(generation.failures) : null;
      this.changed();
    }
    this.state.generation = null;
  }
}
