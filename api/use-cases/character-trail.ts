/**
 * A character's domain events, read from its workflow history (every run, across continue-as-new):
 * the history is the audit trail, so nothing here can drift from what happened. Shared by
 * `GET /v1/characters/{id}/events` and `npm run admin -- character history <id>`.
 */
import type { Client } from '@temporalio/client';
import { type AuditEvent, UPDATE_EVENT_TYPES } from '../../domain/audit-events.js';
import type { Pose } from '../../domain/character.js';
import { ActivityTrack, type HistoryEvent, UpdateTrack, emitterFor, localActivity, runHistories } from './workflow-history.js';

/** Turns one run's history into domain events; `context` carries the request ids across runs. */
function eventsOfRun(runIndex: number, events: HistoryEvent[], context: { generationRequest: string | null }): AuditEvent[] {
  const out: AuditEvent[] = [];
  const emit = emitterFor(runIndex, out);
  const updates = new UpdateTrack();
  const poses = new ActivityTrack<{ pose: Pose; seed: number }>('generatePose');
  const refunds = new ActivityTrack<unknown>('refundTeam');

  for (const event of events) {
    const update = updates.follow(event);
    if (update) {
      if (!('completed' in update)) continue;
      const { completed, failed } = update;
      if (failed || !UPDATE_EVENT_TYPES[completed.name]) continue;
      const input = completed.input;
      const requestId = input?.requestId ?? null;
      const data: Record<string, unknown> = {};
      if (completed.name === 'regenerateRef') Object.assign(data, { pose: input.pose }, input.promptOverride ? { prompt_override: input.promptOverride } : {});
      if (completed.name === 'useInImage') data.image_id = input.imageId;
      if (completed.name === 'createFromUploads') data.upload_ids = input.uploadIds;
      if (completed.name === 'update') data.fields = ['name', 'attributes'].filter((f) => input[f] !== undefined);
      if (['create', 'regenerateRef', 'resynthesize'].includes(completed.name)) context.generationRequest = requestId;
      emit(event, UPDATE_EVENT_TYPES[completed.name]!, requestId, data);
      continue;
    }
    const local = localActivity(event);
    if (local) {
      const { type, result } = local;
      // A debit runs inside the transition that pays for it: the oldest one still running.
      const payer = updates.oldestRunning()?.input?.requestId ?? context.generationRequest;
      if (type === 'debitTeam' && result?.applied) emit(event, 'credits.debited', payer, { amount: result.amount, balance_after: result.credits });
      // Histories written before refunds reported their amount hold only the balance after.
      if (type === 'refundTeam' && typeof result === 'number') emit(event, 'credits.refunded', context.generationRequest, { amount: null, balance_after: result });
      if (type === 'refundTeam' && result?.refunded > 0) emit(event, 'credits.refunded', context.generationRequest, { amount: result.refunded, balance_after: result.credits });
      continue;
    }
    const refund = refunds.follow(event);
    if (refund?.outcome === 'completed' && refund.result?.refunded > 0) {
      emit(event, 'credits.refunded', context.generationRequest, { amount: refund.result.refunded, balance_after: refund.result.credits });
      continue;
    }
    const pose = poses.follow(event);
    if (pose?.outcome === 'completed') emit(event, 'character.pose_generated', context.generationRequest, { pose: pose.input.pose, attempt: pose.attempt, seed: pose.input.seed });
    if (pose?.outcome === 'failed') emit(event, 'character.pose_failed', context.generationRequest, { pose: pose.input.pose, attempt: pose.attempt, message: pose.message });
    if (pose?.outcome === 'cancelled') emit(event, 'character.pose_cancelled', context.generationRequest, { pose: pose.input.pose });
  }
  return out;
}

/** Every domain event of a character, oldest first, across all its runs. */
export async function characterEvents(client: Client, characterId: string): Promise<AuditEvent[]> {
  const context = { generationRequest: null as string | null };
  return (await runHistories(client, characterId)).flatMap((history, index) => eventsOfRun(index, history, context));
}
