/**
 * An image generation's life: paid at submission, rendered as one activity per output in parallel,
 * settled with a refund for every output not delivered (failed, or cancelled before it arrived).
 */
import { CancellationScope, condition, currentUpdateInfo, isCancellation, patched, setCurrentDetails, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ImageRecord } from '../../domain/character.js';
import type { Caller } from '../../domain/messages.js';
import { type ImageGeneration, type ImageSeed, cancelRefusal, creditsPerOutput, imageNotFound, isTerminal, outputsFailedMessage } from '../../domain/images.js';
import { ImageStatus } from '../../domain/search-attributes.js';
import { copyImages, generateImage, refundRecorded, refundTeam } from '../activities.js';
import { charge } from '../billing.js';
import { nowIso } from '../clock.js';
import { failureMessage, refuse } from '../failures.js';
import { ImageEvents } from './events.js';

/** Histories from before refunds became regular activities (workflows/activities.ts) replay with the local one. */
export const RECORDED_REFUND_PATCH = 'image-refund-recorded';

/** The largest seed; each output's seed is the generation's plus its index, wrapping. */
const SEED_SPACE = 4294967296;

export class ImageEntity {
  readonly record: ImageGeneration;
  private debitId: string | null = null;
  private scope: CancellationScope | null = null;
  private cancelRequested = false;
  private publishedStatus: string | null = null;
  readonly events = new ImageEvents();

  constructor(seed: ImageSeed) {
    this.record = { ...seed, status: 'new', outputs: Array(seed.count).fill(null), charged: 0, refunded: 0, errorMessage: null, startedAt: null, completedAt: null };
  }

  private snapshot(): ImageGeneration {
    return JSON.parse(JSON.stringify(this.record)) as ImageGeneration;
  }

  private checkTeam(caller: Caller): void {
    if (caller.teamId !== this.record.teamId) refuse(imageNotFound());
  }

  validateSubmit(caller: Caller): void {
    this.checkTeam(caller);
    if (this.record.status !== 'new') refuse({ code: 'invalid_state', message: 'This generation was already submitted.' });
  }

  /** Pays for every output up front; refused (402) when the credits do not cover them. */
  async submit(): Promise<ImageGeneration> {
    const cost = this.record.count * creditsPerOutput(this.record.width, this.record.height);
    const debitId = `${this.record.id}/${currentUpdateInfo()?.id ?? workflowInfo().runId}`;
    try {
      await charge(this.record.teamId, { entryId: debitId, amount: cost, reason: 'image generation' });
    } catch (err) {
      this.record.status = 'rejected';
      this.publish();
      throw err;
    }
    this.debitId = debitId;
    this.record.charged = cost;
    this.record.status = 'pending';
    this.publish();
    return this.snapshot();
  }

  validateCancel(caller: Caller): void {
    this.checkTeam(caller);
    const refusal = cancelRefusal(this.record.status);
    if (refusal) refuse(refusal);
  }

  /** Stops what has not been delivered yet; an already cancelled generation answers unchanged. */
  async cancel(caller: Caller): Promise<ImageGeneration> {
    this.validateCancel(caller);
    if (!isTerminal(this.record.status)) {
      this.cancelRequested = true;
      this.scope?.cancel();
      await condition(() => isTerminal(this.record.status));
    }
    return this.snapshot();
  }

  get submitted(): boolean {
    return this.record.status !== 'new';
  }

  /** Renders every output in parallel, then settles. */
  async run(): Promise<void> {
    if (this.record.status !== 'pending') return;
    const failures: { index: number; message: string }[] = [];
    if (!this.cancelRequested) {
      this.record.status = 'processing';
      this.record.startedAt = nowIso();
      this.publish();
      this.scope = new CancellationScope();
      try {
        await this.scope.run(async () => {
          const refs = await this.pinCopies();
          await Promise.all(this.record.outputs.map((_, index) => this.renderOne(index, refs, failures)));
        });
      } catch (err) {
        if (!isCancellation(err)) {
          failures.push(...this.record.outputs.flatMap((o, index) => (o ? [] : [{ index, message: failureMessage(err) }])));
        }
      } finally {
        this.scope = null;
      }
    }
    await this.settle(failures);
  }

  /**
   * Copies the pinned refs under this generation's own keys first: a later regenerate, save or
   * delete of the character may purge the originals, never these.
   */
  private async pinCopies(): Promise<ImageGeneration['refs']> {
    if (this.record.refs.length === 0) return [];
    const copies = this.record.refs.map((ref, i) => ({ ...ref, key: `${this.record.teamId}/${this.record.id}/ref-${i}-${ref.pose}` }));
    await copyImages(this.record.refs.map((ref, i) => ({ from: ref.key, to: copies[i]!.key })));
    return copies;
  }

  private async renderOne(index: number, refs: ImageGeneration['refs'], failures: { index: number; message: string }[]): Promise<void> {
    const r = this.record;
    try {
      const output: ImageRecord = await generateImage({
        teamId: r.teamId,
        imageId: r.id,
        index,
        refs,
        request: {
          prompt: r.prompt,
          negativePrompt: r.negativePrompt,
          width: r.width,
          height: r.height,
          seed: (r.seed + index) % SEED_SPACE,
          steps: r.steps,
          guidanceScale: r.guidanceScale,
          denoiseStrength: r.denoiseStrength,
        },
      });
      r.outputs[index] = output;
      this.publish();
    } catch (err) {
      if (isCancellation(err)) throw err;
      failures.push({ index, message: failureMessage(err) });
    }
  }

  /** Refunds every output not delivered, then lands the final status. */
  private async settle(failures: { index: number; message: string }[]): Promise<void> {
    const r = this.record;
    const undelivered = r.outputs.filter((o) => o === null).length;
    const refund = undelivered * creditsPerOutput(r.width, r.height);
    if (refund > 0 && this.debitId) {
      const debitId = this.debitId;
      const cancelled = this.cancelRequested;
      const entry = { entryId: `${debitId}/refund`, debitId, amount: refund, reason: cancelled ? 'generation cancelled' : 'outputs failed' };
      const result = await CancellationScope.nonCancellable(() => (patched(RECORDED_REFUND_PATCH) ? refundRecorded : refundTeam)(r.teamId, entry));
      r.refunded = result.refunded;
    }
    if (this.cancelRequested) r.status = 'cancelled';
    else if (failures.length > 0) {
      r.status = 'failed';
      r.errorMessage = outputsFailedMessage(failures.sort((a, b) => a.index - b.index), r.refunded);
    } else r.status = 'succeeded';
    r.completedAt = nowIso();
    this.publish();
  }

  /** Memo for reads without a worker, the status attribute for the list and the Temporal UI, the webhook event of a terminal status. */
  publish(): void {
    upsertMemo({ image: this.record });
    this.events.observe(this.record);
    if (this.publishedStatus !== this.record.status) {
      this.publishedStatus = this.record.status;
      upsertSearchAttributes([{ key: ImageStatus, value: this.record.status }]);
    }
    const delivered = this.record.outputs.filter(Boolean).length;
    setCurrentDetails(`**${this.record.status}**: ${delivered}/${this.record.count} outputs; ${this.record.characterId ? `character ${this.record.characterId}` : 'no character'}`);
  }
}
