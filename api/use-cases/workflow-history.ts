/**
 * Reading a workflow's history as a story: its runs oldest first, the Updates it accepted, the
 * local activities it recorded, the activities it ran to an outcome. The per-workflow projections
 * (character-trail.ts, image-trail.ts) turn these into domain events, so an audit trail cannot
 * drift from what happened.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type proto from '@temporalio/proto';
import type { AuditEvent } from '../../domain/audit-events.js';
import { auditEventId } from '../../domain/ids.js';

export type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Payloads = proto.temporal.api.common.v1.IPayloads | null | undefined;

export function decode(payloads: Payloads, index = 0): any {
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

/** Every run's history of `workflowId`, oldest run first (a workflow that continued-as-new has several). */
export async function runHistories(client: Client, workflowId: string): Promise<HistoryEvent[][]> {
  const runs: { runId: string; start: number }[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: info.runId, start: info.startTime.getTime() });
  runs.sort((a, b) => a.start - b.start);
  const histories: HistoryEvent[][] = [];
  for (const run of runs) histories.push((await client.workflow.getHandle(workflowId, run.runId).fetchHistory()).events ?? []);
  return histories;
}

/** Appends domain events of run `runIndex` to `out`, ids and times taken from the history event. */
export function emitterFor<T extends string>(runIndex: number, out: AuditEvent<T>[]) {
  return (event: HistoryEvent, type: T, requestId: string | null, data: Record<string, unknown> = {}) =>
    out.push({ id: auditEventId(runIndex, String(event.eventId)), type, created_at: timeOf(event), request_id: requestId, data });
}

export interface AcceptedUpdate {
  name: string;
  input: any;
}

/** The Updates of one run: what each asked for, and which are still running at the current event. */
export class UpdateTrack {
  private readonly accepted = new Map<string, AcceptedUpdate>();
  private readonly running: string[] = [];

  /** `accepted` for an acceptance, the Update and its outcome for a completion, null for any other event. */
  follow(event: HistoryEvent): { accepted: AcceptedUpdate } | { completed: AcceptedUpdate; failed: boolean } | null {
    const acceptedAttrs = event.workflowExecutionUpdateAcceptedEventAttributes;
    if (acceptedAttrs) {
      const updateId = acceptedAttrs.acceptedRequest?.meta?.updateId ?? acceptedAttrs.protocolInstanceId ?? '';
      const update = { name: acceptedAttrs.acceptedRequest?.input?.name ?? '', input: decode(acceptedAttrs.acceptedRequest?.input?.args) };
      this.accepted.set(updateId, update);
      this.running.push(updateId);
      return { accepted: update };
    }
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (!completed) return null;
    const id = completed.meta?.updateId ?? '';
    this.running.splice(this.running.indexOf(id), 1);
    const update = this.accepted.get(id);
    return update ? { completed: update, failed: Boolean(completed.outcome?.failure) } : null;
  }

  /** The oldest Update still running: a local activity recorded now ran inside it. */
  oldestRunning(): AcceptedUpdate | undefined {
    return this.accepted.get(this.running[0] ?? '');
  }
}

/** A local activity's type and result, when the event records one. */
export function localActivity(event: HistoryEvent): { type: string; result: any } | null {
  const marker = event.markerRecordedEventAttributes;
  if (!marker) return null;
  return { type: decode(marker.details?.data)?.activity_type ?? '', result: decode(marker.details?.result) };
}

export type ActivityOutcome<T> =
  | { outcome: 'completed'; input: T; attempt: number; result: any }
  | { outcome: 'failed'; input: T; attempt: number; message: string }
  | { outcome: 'cancelled'; input: T; attempt: number };

/**
 * Activities of one type, from scheduled to their outcome. A retried activity's started event is
 * written once, when it ends, with its last attempt: that is the attempt its outcome belongs to.
 * A cancel is the outcome as soon as it is requested: the workflow stops waiting then (and may
 * finish before the activity acknowledges), and ignores whatever the activity reports later.
 */
export class ActivityTrack<T> {
  private readonly scheduled = new Map<string, { input: T; attempt: number }>();

  constructor(private readonly type: string) {}

  /** The outcome this event records for a tracked activity, or null. */
  follow(event: HistoryEvent): ActivityOutcome<T> | null {
    const schedule = event.activityTaskScheduledEventAttributes;
    if (schedule?.activityType?.name === this.type) {
      this.scheduled.set(String(event.eventId), { input: decode(schedule.input), attempt: 1 });
      return null;
    }
    const started = event.activityTaskStartedEventAttributes;
    const task = this.scheduled.get(String(started?.scheduledEventId));
    if (started && task) task.attempt = started.attempt ?? 1;
    const done = event.activityTaskCompletedEventAttributes;
    if (done) return this.settle(done.scheduledEventId, (t) => ({ outcome: 'completed', ...t, result: decode(done.result) }));
    const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (failed) return this.settle(failed.scheduledEventId, (t) => ({ outcome: 'failed', ...t, message: causeMessage(failed.failure) }));
    const cancelled = event.activityTaskCancelRequestedEventAttributes;
    if (cancelled) return this.settle(cancelled.scheduledEventId, (t) => ({ outcome: 'cancelled', ...t }));
    return null;
  }

  private settle(scheduledEventId: unknown, outcome: (task: { input: T; attempt: number }) => ActivityOutcome<T>): ActivityOutcome<T> | null {
    const task = this.scheduled.get(String(scheduledEventId));
    if (!task) return null;
    this.scheduled.delete(String(scheduledEventId));
    return outcome(task);
  }
}
