/**
 * After the chaos, the webhooks: every state change that makes an event (the audit of characters
 * and images tells which happened) produced its event, and every event recorded (each event
 * workflow, from visibility) reached its team's receiver at least once, answered 2xx, with a
 * signature that `standardwebhooks` verifies under the team's endpoint secret. The receiver fails
 * and hangs part of the time, so deliveries are given a bounded time to drain.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Receiver } from '../../test/support/receiver.js';
import { verifyStandard } from '../../test/support/webhook-verify.js';

export interface WebhookAuditResult {
  /** State changes the audit saw that must each have made an event. */
  stateChanges: number;
  eventsRecorded: number;
  eventsDelivered: number;
  /** State changes without their event, plus recorded events never delivered with a valid signature. */
  lost: number;
  badSignatures: number;
  attempts: number;
  attemptsFailed: number;
  attemptsHung: number;
  drainSeconds: number;
}

/** What the receiver must end up with: per `type:object id`, how many distinct events at least. */
export class ExpectedEvents {
  readonly counts = new Map<string, number>();

  expect(type: string, objectId: string, count = 1): void {
    if (count > 0) this.counts.set(`${type}:${objectId}`, (this.counts.get(`${type}:${objectId}`) ?? 0) + count);
  }
}

/**
 * A character's synthesis lands as `character.completed` or `character.failed`; a character that
 * lands several times may have made both, so the two count together.
 */
export const LANDED = 'character.completed|failed';
const keyType = (type: string) => (type === 'character.completed' || type === 'character.failed' ? LANDED : type);

interface Tally {
  delivered: Set<string>;
  /** `type:object id` → distinct event ids delivered. */
  byKey: Map<string, Set<string>>;
  badSignatures: number;
}

function tally(receiver: Receiver, secrets: Map<string, string>): Tally {
  const result: Tally = { delivered: new Set(), byKey: new Map(), badSignatures: 0 };
  for (const r of receiver.received) {
    if (r.status === null || r.status < 200 || r.status >= 300) continue;
    // Each team's endpoint is registered at `?team=<id>`: the delivery says whose secret signs it.
    const team = new URL(r.path, 'http://receiver').searchParams.get('team') ?? '';
    // Verified on arrival (the signature's timestamp is accepted for 5 minutes only), else now.
    let event: any;
    try {
      if (r.verified && 'error' in r.verified) throw new Error(r.verified.error);
      event = r.verified ? r.verified.payload : verifyStandard(secrets.get(team) ?? '', r.body, r.headers);
    } catch {
      result.badSignatures++;
      continue;
    }
    result.delivered.add(event.id);
    const key = `${keyType(event.type)}:${event.data?.object?.id}`;
    if (!result.byKey.has(key)) result.byKey.set(key, new Set());
    result.byKey.get(key)!.add(event.id);
  }
  return result;
}

export async function auditWebhooks(
  client: Client,
  receiver: Receiver,
  secrets: Map<string, string>,
  expected: ExpectedEvents,
  note: (finding: string) => void,
  drainMs: number,
): Promise<WebhookAuditResult> {
  const recorded: string[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowType = 'webhookEventWorkflow'` })) recorded.push(info.workflowId);
  const missingEvents = (t: Tally) => [...expected.counts].filter(([key, n]) => (t.byKey.get(key)?.size ?? 0) < n);
  const undelivered = (t: Tally) => recorded.filter((id) => !t.delivered.has(id));
  const started = Date.now();
  let t = tally(receiver, secrets);
  // Bounded: a retry schedule's worth (shortened for the run) plus hangs; anything later counts as lost.
  while ((missingEvents(t).length || undelivered(t).length) && Date.now() - started < drainMs) {
    await sleep(1000);
    t = tally(receiver, secrets);
  }
  const missing = missingEvents(t);
  const notDelivered = undelivered(t);
  for (const [key, n] of missing.slice(0, 20)) note(`webhook: ${key} expected ${n} event(s), delivered ${t.byKey.get(key)?.size ?? 0}`);
  for (const id of notDelivered.slice(0, 20)) note(`webhook: event ${id} recorded but never delivered with a valid signature`);
  return {
    stateChanges: [...expected.counts.values()].reduce((a, b) => a + b, 0),
    eventsRecorded: recorded.length,
    eventsDelivered: recorded.length - notDelivered.length,
    lost: missing.reduce((sum, [key, n]) => sum + n - (t.byKey.get(key)?.size ?? 0), 0) + notDelivered.length,
    badSignatures: t.badSignatures,
    attempts: receiver.received.length,
    attemptsFailed: receiver.received.filter((r) => r.status !== null && r.status >= 500).length,
    attemptsHung: receiver.received.filter((r) => r.status === null).length,
    drainSeconds: Math.round((Date.now() - started) / 1000),
  };
}
