/**
 * An image generation's domain events, read from its workflow history, the way character-trail.ts
 * reads a character's: submitted, paid, each output rendered or failed (attempt and seed),
 * cancelled, refunded, finished. For `npm run admin -- image history <id>`.
 */
import type { Client } from '@temporalio/client';
import type { AuditEvent, ImageEventType } from '../../domain/audit-events.js';
import { type ImageGeneration, type ImageSeed, isTerminal } from '../../domain/images.js';
import { defaultPayloadConverter } from '@temporalio/common';
import type { GenerateImageInput } from '../../activities/index.js';
import { ActivityTrack, type HistoryEvent, UpdateTrack, decode, emitterFor, localActivity, runHistories } from './workflow-history.js';

export type ImageEvent = AuditEvent<ImageEventType>;

function eventsOfRun(runIndex: number, events: HistoryEvent[]): ImageEvent[] {
  const out: ImageEvent[] = [];
  const emit = emitterFor(runIndex, out);
  const updates = new UpdateTrack();
  const outputs = new ActivityTrack<GenerateImageInput>('generateImage');
  // Refunds are regular activities now; histories from before hold them as local-activity markers.
  const refunds = new ActivityTrack<string>('refundTeam');
  let seed: ImageSeed | undefined;
  let submitRequest: string | null = null;
  let cancelled = false;
  let finished = false;

  for (const event of events) {
    const started = event.workflowExecutionStartedEventAttributes;
    if (started) seed = decode(started.input)?.seed;
    const update = updates.follow(event);
    // A cancel is told when it is accepted: its Update only completes once the refund has landed.
    if (update && 'accepted' in update && update.accepted.name === 'cancel' && !cancelled) {
      cancelled = true;
      emit(event, 'image.cancelled', update.accepted.input?.requestId ?? null);
    }
    if (update && 'completed' in update && update.completed.name === 'submit' && !update.failed) {
      submitRequest = update.completed.input?.requestId ?? null;
      const data = seed ? { prompt: seed.prompt, character_id: seed.characterId, count: seed.count, width: seed.width, height: seed.height, seed: seed.seed } : {};
      emit(event, 'image.submitted', submitRequest, data);
    }
    // A ledger call runs inside the Update that caused it (the submit, a cancel), else settles failures of the submit.
    const requestId = updates.oldestRunning()?.input?.requestId ?? submitRequest;
    const local = localActivity(event);
    if (local?.type === 'debitTeam' && local.result?.applied) emit(event, 'credits.debited', requestId, { amount: local.result.amount, balance_after: local.result.credits });
    const recorded = refunds.follow(event);
    const refund = local?.type === 'refundTeam' ? local.result : recorded?.outcome === 'completed' ? recorded.result : null;
    if (refund?.refunded > 0) emit(event, 'credits.refunded', requestId, { amount: refund.refunded, balance_after: refund.credits });
    const output = outputs.follow(event);
    if (output) {
      const data = { index: output.input.index, attempt: output.attempt, seed: output.input.request.seed };
      if (output.outcome === 'completed') emit(event, 'image.output_rendered', submitRequest, data);
      if (output.outcome === 'failed') emit(event, 'image.output_failed', submitRequest, { ...data, message: output.message });
      if (output.outcome === 'cancelled') emit(event, 'image.output_cancelled', submitRequest, { index: output.input.index });
    }
    // It finished in the task that published its final record (the workflow stays open a while after).
    const published = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.image;
    const record: ImageGeneration | undefined = published ? defaultPayloadConverter.fromPayload(published) : undefined;
    if (record && isTerminal(record.status) && !finished) {
      finished = true;
      emit(event, 'image.finished', submitRequest, { status: record.status, outputs_delivered: record.outputs.filter(Boolean).length, cost: record.charged - record.refunded });
    }
  }
  return out;
}

/** Every domain event of an image generation, oldest first. */
export async function imageEvents(client: Client, imageId: string): Promise<ImageEvent[]> {
  return (await runHistories(client, imageId)).flatMap((history, index) => eventsOfRun(index, history));
}
