/**
 * Recording a webhook event from a resource's workflow. The event is a child workflow (id = the
 * event id) started in the same workflow task as the state change that causes it: the change and
 * the event are one commit of history, so no crash between them can lose the event. The child is
 * ABANDONed: it outlives its parent (a deleted character, a team that continues-as-new).
 */
import { ParentClosePolicy, condition, patched, startChild, uuid4 } from '@temporalio/workflow';
import { webhookEventId } from '../domain/ids.js';
import { DEFAULT_VERSION } from '../domain/versions.js';
import { WEBHOOK_EVENTS_PATCH, type EventAudience, type EventSubject, type WebhookEventType } from '../domain/webhooks.js';
import { nowIso } from './clock.js';

export interface EventToRecord {
  type: WebhookEventType;
  teamId: string;
  aurousVersion: string | null;
  subject: EventSubject;
  audience?: EventAudience;
  synthetic?: boolean;
}

export class WebhookEvents {
  private starting = 0;

  /**
   * Records the event; returns its id, or null in a run that started before events existed
   * (guarded by `patched`, so its recorded history replays unchanged).
   */
  record(event: EventToRecord): string | null {
    if (!patched(WEBHOOK_EVENTS_PATCH)) return null;
    const id = webhookEventId(uuid4());
    // Deep copies: the child's input is serialized when the task ends, after later changes.
    const subject = JSON.parse(JSON.stringify(event.subject)) as EventSubject;
    this.starting++;
    startChild('webhookEventWorkflow', {
      workflowId: id,
      args: [{ id, type: event.type, teamId: event.teamId, createdAt: nowIso(), aurousVersion: event.aurousVersion ?? DEFAULT_VERSION, synthetic: event.synthetic ?? false, subject, audience: event.audience ?? {} }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `${event.type} for ${event.teamId}`,
    })
      .catch(() => undefined) // The id is fresh: a start can only fail if this very event already exists.
      .finally(() => this.starting--);
    return id;
  }

  /** True once every recorded event's workflow has started: a run must not close before (the server drops pending starts of a closed parent). */
  get settled(): boolean {
    return this.starting === 0;
  }

  waitSettled(): Promise<void> {
    return condition(() => this.settled);
  }
}
