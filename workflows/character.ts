/**
 * One long-lived workflow per character. Its history is the character's audit trail.
 * Table of contents: the messages are wired to `CharacterEntity` methods (the transitions), then a
 * short main loop runs generations and continues-as-new when Temporal suggests it.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { Activities, GeneratePoseInput } from '../activities/index.js';
import type { ActivityOptions } from '@temporalio/common';
import type { Character, CharacterSeed, ImageRecord, Lifecycle, Pose, Ref } from '../domain/character.js';
import { sortRefs } from '../domain/character.js';
import { PERMANENT_GENERATION_ERROR, type Refusal } from '../domain/errors.js';
import * as messages from '../domain/messages.js';
import { CharacterName, CharacterStatus } from '../domain/search-attributes.js';
import { IDEMPOTENT_UPDATE_PREFIX } from '../domain/ids.js';
import { nowIso, nowMs } from './clock.js';
import {
  type Action,
  costOf,
  posesGeneratedBy,
  purgesImagesOnDelete,
  refundFor,
  refusalFor,
  settledStatus,
} from '../domain/transitions.js';

const GENERATE_POSE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  // The activity heartbeats every 2 s while it waits on the backend: a dead worker is noticed in 10 s.
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [PERMANENT_GENERATION_ERROR],
  },
};

/** One pose's generation, summarized in the Temporal UI in the domain's words. */
function generatePose(input: GeneratePoseInput): Promise<ImageRecord> {
  return proxyActivities<Activities>({ ...GENERATE_POSE_OPTIONS, summary: `Generate the ${input.pose} pose (seed ${input.seed})` }).generatePose(input);
}

// Ledger and blob calls are short and idempotent: local activities keep them off the task queue.
const { debitTeam, refundTeam, purgeImages } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

/** A paid generation of some poses, pending or running. */
interface Generation {
  debitId: string;
  poses: Pose[];
  startedFrom: Lifecycle;
  promptOverride?: string;
  delivered: Pose[];
  failures: { pose: Pose; message: string }[];
}

/** Everything a run hands to the next one at continue-as-new. */
export interface CharacterWorkflowState {
  character: Character;
  seedCounter: number;
  /** Images replaced by a later generation, purged at save. */
  staleImages: string[];
  generation: Generation | null;
  /**
   * Idempotent Update ids already applied (→ action and when). Temporal dedupes an Update id within
   * one run only; this carries the dedupe across continue-as-new for the replay window.
   */
  appliedUpdates: Record<string, { action: Action; at: number }>;
  /** Poses delivered over the character's life: what its team paid for, net of refunds. */
  delivered?: number;
}

export type CharacterWorkflowInput = { seed: CharacterSeed } | { state: CharacterWorkflowState };

function refuse(refusal: Refusal): never {
  throw ApplicationFailure.create({
    type: refusal.code,
    message: refusal.message,
    details: refusal.param ? [{ param: refusal.param }] : [],
    nonRetryable: true,
  });
}

/** How long a deleted character's workflow stays open, so a retried delete still gets its answer. */
const DELETED_GRACE = '24 hours';
const REMEMBER_IDEMPOTENT_UPDATES_MS = 24 * 3600 * 1000;

export class CharacterEntity {
  readonly state: CharacterWorkflowState;
  private readonly transitions = new Mutex();
  private generationScope: CancellationScope | null = null;
  private cancelRequested = false;
  private published = '';

  constructor(input: CharacterWorkflowInput) {
    this.state =
      'state' in input
        ? input.state
        : {
            character: { ...input.seed, status: 'new', refs: [], updatedAt: input.seed.createdAt, errorMessage: null },
            seedCounter: 0,
            staleImages: [],
            generation: null,
            appliedUpdates: {},
          };
  }

  get character(): Character {
    return this.state.character;
  }

  /** Synchronous check run by every validator: a refused call never reaches history. */
  validate(action: Action, caller: { teamId: string }): void {
    if (this.alreadyApplied()) return;
    if (caller.teamId !== this.character.teamId) refuse({ code: 'resource_not_found', message: 'No such character.', param: 'id' });
    const refusal = refusalFor(action, this.character.status);
    if (refusal) refuse(refusal);
  }

  /**
   * Runs one transition at a time. Racing calls passed their validators against the same status;
   * the lock makes them take turns, and each re-checks the status it finds.
   */
  private transition<T>(action: Action, caller: { teamId: string }, body: () => Promise<T>): Promise<T> {
    return this.transitions.runExclusive(async () => {
      const applied = this.alreadyApplied();
      if (applied) return this.resultOf(applied.action) as T;
      this.validate(action, caller);
      const result = await body();
      const id = currentUpdateInfo()?.id;
      if (id?.startsWith(IDEMPOTENT_UPDATE_PREFIX)) this.state.appliedUpdates[id] = { action, at: nowMs() };
      return result;
    });
  }

  /** The earlier run of this idempotent Update, if a retry brings it again after continue-as-new. */
  private alreadyApplied(): { action: Action } | undefined {
    const id = currentUpdateInfo()?.id;
    return id ? this.state.appliedUpdates[id] : undefined;
  }

  private resultOf(action: Action): Character | messages.DeleteResult {
    return action === 'delete' ? { id: this.character.id, deleted: true } : this.snapshot();
  }

  /**
   * The character as this transition left it. An Update's result is serialized when the activation
   * ends, after the other Updates delivered with it have run: returning the live object would answer
   * every caller with the last one's changes.
   */
  private snapshot(): Character {
    return JSON.parse(JSON.stringify(this.character)) as Character;
  }

  /** Drops what is older than the replay window; called before the state is handed to a new run. */
  forgetOldUpdates(): void {
    const horizon = nowMs() - REMEMBER_IDEMPOTENT_UPDATES_MS;
    for (const [id, { at }] of Object.entries(this.state.appliedUpdates)) if (at < horizon) delete this.state.appliedUpdates[id];
  }

  create(caller: messages.Caller): Promise<Character> {
    return this.transition('create', caller, async () => {
      try {
        await this.startGeneration('create');
      } catch (err) {
        this.character.status = 'rejected';
        this.publish();
        throw err;
      }
      return this.snapshot();
    });
  }

  regenerateRef(input: messages.RegenerateRefInput): Promise<Character> {
    return this.transition('regenerateRef', input, async () => {
      await this.startGeneration('regenerateRef', input.pose, input.promptOverride);
      return this.snapshot();
    });
  }

  resynthesize(caller: { teamId: string }): Promise<Character> {
    return this.transition('resynthesize', caller, async () => {
      await this.startGeneration('resynthesize');
      return this.snapshot();
    });
  }

  save(caller: { teamId: string }): Promise<Character> {
    return this.transition('save', caller, async () => {
      if (this.character.status === 'ready') return this.snapshot();
      this.character.status = 'ready';
      this.touch();
      await this.purgeStaleImages();
      return this.snapshot();
    });
  }

  update(input: messages.UpdateInput): Promise<Character> {
    return this.transition('update', input, async () => {
      if (input.name !== undefined) this.character.name = input.name;
      if (input.attributes !== undefined) this.character.attributes = input.attributes;
      this.touch();
      return this.snapshot();
    });
  }

  delete(caller: { teamId: string }): Promise<messages.DeleteResult> {
    return this.transition('delete', caller, async () => {
      const purge = purgesImagesOnDelete(this.character.status);
      if (this.state.generation) {
        this.cancelRequested = true;
        this.generationScope?.cancel();
        await condition(() => this.state.generation === null);
      }
      if (purge) {
        await purgeImages([...this.character.refs.map((r) => r.key), ...this.state.staleImages]);
        this.state.staleImages = [];
      }
      this.character.status = 'deleted';
      this.touch();
      return { id: this.character.id, deleted: true as const };
    });
  }

  /** Charges the action, then queues its poses; the main loop runs them. */
  private async startGeneration(action: Action, pose?: Pose, promptOverride?: string): Promise<void> {
    const updateId = currentUpdateInfo()?.id ?? workflowInfo().runId;
    const debitId = `${this.character.id}/${updateId}`;
    const cost = costOf(action, pose);
    const entry = { entryId: debitId, amount: cost, characterId: this.character.id, reason: action };
    const debit = await debitTeam(this.character.teamId, entry).catch(async (err) => {
      // The ledger did not answer in time: the debit may or may not have landed. Void it (a no-op
      // if it never did), so the refused call costs nothing, then ask the caller to retry.
      await refundTeam(this.character.teamId, { ...entry, entryId: `${debitId}/void`, debitId, reason: 'void' });
      refuse({ code: 'backend_unavailable', message: `The credit ledger did not answer (${failureMessage(err)}). Nothing was charged; retry shortly.` });
    });
    if (!debit.applied) {
      refuse({
        code: 'insufficient_credits',
        message: `This call costs ${cost} credit${cost === 1 ? '' : 's'} and your team has ${debit.credits}. Add credits, then retry.`,
      });
    }
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
    this.touch();
  }

  /** Generates every pose of the queued generation in parallel, then settles it. */
  async runGeneration(): Promise<void> {
    const generation = this.state.generation;
    if (!generation) return;
    this.generationScope = new CancellationScope();
    let cancelled = this.cancelRequested;
    try {
      if (cancelled) throw new CancelledGeneration();
      await this.generationScope.run(() => Promise.all(generation.poses.map((pose) => this.generateOne(generation, pose))));
    } catch (err) {
      if (!isCancellation(err) && !(err instanceof CancelledGeneration)) throw err;
      cancelled = true;
    } finally {
      this.generationScope = null;
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
    const replaced = this.character.refs.find((r) => r.pose === ref.pose);
    if (replaced) this.state.staleImages.push(replaced.key);
    this.character.refs = sortRefs([...this.character.refs.filter((r) => r.pose !== ref.pose), ref]);
    this.touch();
  }

  /** Refunds what was not delivered and lands the status (unless a delete cancelled the generation). */
  private async settle(generation: Generation, cancelled: boolean): Promise<void> {
    const undelivered = generation.poses.filter((p) => !generation.delivered.includes(p));
    const refund = refundFor(undelivered);
    if (refund > 0) {
      await CancellationScope.nonCancellable(() =>
        refundTeam(this.character.teamId, {
          entryId: `${generation.debitId}/refund`,
          debitId: generation.debitId,
          amount: refund,
          characterId: this.character.id,
          reason: cancelled ? 'generation cancelled' : 'generation failed',
        }),
      );
    }
    if (!cancelled) {
      const failed = generation.failures.map((f) => f.pose);
      this.character.status = settledStatus(generation.startedFrom, failed);
      this.character.errorMessage = failed.length
        ? `Generation failed for ${generation.failures.map((f) => `${f.pose} (${f.message})`).join('; ')}. Credits for the failed poses were refunded; regenerate or resynthesize to try again.`
        : null;
      this.touch();
    }
    this.state.generation = null;
  }

  private async purgeStaleImages(): Promise<void> {
    const stale = this.state.staleImages;
    if (stale.length === 0) return;
    await purgeImages(stale);
    this.state.staleImages = this.state.staleImages.filter((key) => !stale.includes(key));
  }

  private touch(): void {
    this.character.updatedAt = nowIso();
    this.publish();
  }

  /** Keeps what the Temporal UI and the list route see in step with the state. */
  publish(): void {
    const memo = JSON.stringify(this.character);
    if (memo === this.published) return;
    const previous = this.published ? (JSON.parse(this.published) as Character) : null;
    this.published = memo;
    if (previous?.status !== this.character.status || previous?.name !== this.character.name) {
      upsertSearchAttributes([
        { key: CharacterStatus, value: this.character.status },
        { key: CharacterName, value: this.character.name },
      ]);
    }
    upsertMemo({ character: this.character });
    // Shown in the Temporal UI beside the history: where the character stands, in a line.
    setCurrentDetails(`**${this.character.name}** is ${this.character.status}; refs: ${this.character.refs.map((r) => r.pose).join(', ') || 'none yet'}`);
  }

  get done(): boolean {
    return this.character.status === 'deleted' || this.character.status === 'rejected';
  }

  get idle(): boolean {
    return this.state.generation === null && !this.transitions.isLocked();
  }

}

/** A delete arrived before the queued generation started: it never runs. */
class CancelledGeneration extends Error {}

function failureMessage(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function characterWorkflow(input: CharacterWorkflowInput): Promise<Character> {
  const entity = new CharacterEntity(input);
  if ('state' in input) entity.publish();

  setHandler(messages.getCharacter, () => entity.character);
  setHandler(messages.getAccounting, () => ({ teamId: entity.character.teamId, delivered: entity.state.delivered ?? 0 }));
  setHandler(messages.createCharacter, (c) => entity.create(c), { validator: (c) => entity.validate('create', c) });
  setHandler(messages.regenerateRef, (i) => entity.regenerateRef(i), { validator: (i) => entity.validate('regenerateRef', i) });
  setHandler(messages.resynthesize, (c) => entity.resynthesize(c), { validator: (c) => entity.validate('resynthesize', c) });
  setHandler(messages.save, (c) => entity.save(c), { validator: (c) => entity.validate('save', c) });
  setHandler(messages.update, (i) => entity.update(i), { validator: (i) => entity.validate('update', i) });
  setHandler(messages.deleteCharacter, (c) => entity.delete(c), { validator: (c) => entity.validate('delete', c) });

  for (;;) {
    await condition(() => entity.done || entity.state.generation !== null || workflowInfo().continueAsNewSuggested);
    if (entity.done) break;
    if (entity.state.generation) {
      await entity.runGeneration();
      continue;
    }
    // Continue-as-new only between transitions: a handler still running would be dropped.
    await condition(() => allHandlersFinished() && entity.idle);
    if (entity.state.generation || entity.done) continue;
    entity.forgetOldUpdates();
    await continueAsNew<typeof characterWorkflow>({ state: entity.state });
  }
  if (entity.character.status === 'deleted') await sleep(DELETED_GRACE);
  await condition(allHandlersFinished);
  return entity.character;
}
