/**
 * A character's domain events, read from its workflow history (every run, across continue-as-new):
 * the history is the audit trail, so nothing here can drift from what happened. Shared by
 * `GET /v1/characters/{id}/events` and `npm run admin -- character history <id>`.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type proto from '@temporalio/proto';
import { type AuditEvent, type AuditEventType, UPDATE_EVENT_TYPES } from '../../domain/audit-events.js';
import { auditEventId } from '../../domain/ids.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Payloads = proto.temporal.api.common.v1.IPayloads | null | undefined;

function decode(payloads: Payloads, index = 0): any {
  const payload = payloads?.payloads?.[index];
  return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
}

function timeOf(event: HistoryEvent): string {
  const t = event.eventTime;
  return new Date(Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6)).toISOString();
}

function causeMessage(failure: proto.temporal.api.failure.v1.IFailure | null | undefined): string {
  let f = failure;
  while (f?.cause) f = f.cause;
  return f?.message ?? 'unknown failure';
}

/** Turns one run's history into domain events; `context` carries the request ids across runs. */
function eventsOfRun(runIndex: number, events: HistoryEvent[], context: { generationRequest: string | null }): AuditEvent[] {
  const out: AuditEvent[] = [];
  const accepted = new Map<string, { name: string; input: any }>();
  const running: string[] = [];
  const scheduled = new Map<string, { pose: string; seed: number; attempt: number }>();
  const emit = (event: HistoryEvent, type: AuditEventType, requestId: string | null, data: Record<string, unknown> = {}) =>
    out.push({ id: auditEventId(runIndex, String(event.eventId)), type, created_at: timeOf(event), request_id: requestId, data });

  for (const event of events) {
    const acceptedAttrs = event.workflowExecutionUpdateAcceptedEventAttributes;
    if (acceptedAttrs) {
      const name = acceptedAttrs.acceptedRequest?.input?.name ?? '';
      const updateId = acceptedAttrs.acceptedRequest?.meta?.updateId ?? acceptedAttrs.protocolInstanceId ?? '';
      accepted.set(updateId, { name, input: decode(acceptedAttrs.acceptedRequest?.input?.args) });
      running.push(updateId);
      continue;
    }
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (completed) {
      const id = completed.meta?.updateId ?? '';
      running.splice(running.indexOf(id), 1);
      const update = accepted.get(id);
      if (!update || completed.outcome?.failure || !UPDATE_EVENT_TYPES[update.name]) continue;
      const requestId = update.input?.requestId ?? null;
      const data: Record<string, unknown> = {};
      if (update.name === 'regenerateRef') Object.assign(data, { pose: update.input.pose }, update.input.promptOverride ? { prompt_override: update.input.promptOverride } : {});
      if (update.name === 'useInImage') data.image_id = update.input.imageId;
      if (update.name === 'update') data.fields = ['name', 'attributes'].filter((f) => update.input[f] !== undefined);
      if (['create', 'regenerateRef', 'resynthesize'].includes(update.name)) context.generationRequest = requestId;
      emit(event, UPDATE_EVENT_TYPES[update.name]!, requestId, data);
      continue;
    }
    const marker = event.markerRecordedEventAttributes;
    if (marker) {
      const meta = decode(marker.details?.data);
      const result = decode(marker.details?.result);
      // A debit runs inside the transition that pays for it: the oldest one still running.
      const payer = accepted.get(running[0] ?? '')?.input?.requestId ?? context.generationRequest;
      if (meta?.activity_type === 'debitTeam' && result?.applied) emit(event, 'credits.debited', payer, { amount: result.amount, balance_after: result.credits });
      // Histories written before refunds reported their amount hold only the balance after.
      if (meta?.activity_type === 'refundTeam' && typeof result === 'number') emit(event, 'credits.refunded', context.generationRequest, { amount: null, balance_after: result });
      if (meta?.activity_type === 'refundTeam' && result?.refunded > 0) emit(event, 'credits.refunded', context.generationRequest, { amount: result.refunded, balance_after: result.credits });
      continue;
    }
    const schedule = event.activityTaskScheduledEventAttributes;
    if (schedule?.activityType?.name === 'generatePose') {
      const input = decode(schedule.input);
      scheduled.set(String(event.eventId), { pose: input.pose, seed: input.seed, attempt: 1 });
      continue;
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started && scheduled.has(String(started.scheduledEventId))) {
      scheduled.get(String(started.scheduledEventId))!.attempt = started.attempt ?? 1;
      continue;
    }
    const done = event.activityTaskCompletedEventAttributes;
    if (done && scheduled.has(String(done.scheduledEventId))) {
      const { pose, seed, attempt } = scheduled.get(String(done.scheduledEventId))!;
      emit(event, 'character.pose_generated', context.generationRequest, { pose, attempt, seed });
      continue;
    }
    const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (failed && scheduled.has(String(failed.scheduledEventId))) {
      const { pose, attempt } = scheduled.get(String(failed.scheduledEventId))!;
      emit(event, 'character.pose_failed', context.generationRequest, { pose, attempt, message: causeMessage(failed.failure) });
      continue;
    }
    const cancelled = event.activityTaskCanceledEventAttributes;
    if (cancelled && scheduled.has(String(cancelled.scheduledEventId))) {
      emit(event, 'character.pose_cancelled', context.generationRequest, { pose: scheduled.get(String(cancelled.scheduledEventId))!.pose });
    }
  }
  return out;
}

/** Every domain event of a character, oldest first, across all its runs. */
export async function characterEvents(client: Client, characterId: string): Promise<AuditEvent[]> {
  const runs: { runId: string; start: number }[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowId = '${characterId}'` })) runs.push({ runId: info.runId, start: info.startTime.getTime() });
  runs.sort((a, b) => a.start - b.start);
  const context = { generationRequest: null as string | null };
  const events: AuditEvent[] = [];
  for (const [index, run] of runs.entries()) {
    const history = await client.workflow.getHandle(characterId, run.runId).fetchHistory();
    events.push(...eventsOfRun(index, history.events ?? [], context));
  }
  return events;
}
