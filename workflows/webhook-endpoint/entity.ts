/**
 * A webhook endpoint's transitions: configure, rotate, delete, a test event, and the attempts its
 * deliveries report (the log, the failure streak, the auto-disable rule). Handlers are
 * synchronous, so each is atomic without a lock.
 */
import { upsertMemo } from '@temporalio/workflow';
import type * as messages from '../../domain/messages.js';
import { sampleSubject } from '../../domain/webhook-samples.js';
import {
  DELIVERIES_KEPT,
  type DeliveryAttempt,
  type FailureStreak,
  SECRET_OVERLAP_MS,
  type WebhookEndpoint,
  disableReason,
  isSuccess,
  subscribedTypes,
} from '../../domain/webhooks.js';
import { nowIso, nowMs } from '../clock.js';
import { refuse } from '../failures.js';
import { WebhookEvents } from '../webhook-events.js';

export interface EndpointState {
  endpoint: WebhookEndpoint;
  /** Newest first, at most DELIVERIES_KEPT. */
  deliveries: DeliveryAttempt[];
  streak: FailureStreak;
}

export type EndpointWorkflowInput = { endpoint: WebhookEndpoint } | { state: EndpointState };

export class EndpointEntity {
  readonly state: EndpointState;
  readonly events = new WebhookEvents();
  /** Changed since the memo was last published: published once per workflow task. */
  dirty = true;

  constructor(input: EndpointWorkflowInput) {
    this.state = 'state' in input ? input.state : { endpoint: input.endpoint, deliveries: [], streak: { count: 0, sinceMs: null } };
  }

  get endpoint(): WebhookEndpoint {
    return this.state.endpoint;
  }

  get done(): boolean {
    return this.endpoint.status === 'deleted';
  }

  private snapshot(): WebhookEndpoint {
    return JSON.parse(JSON.stringify(this.endpoint)) as WebhookEndpoint;
  }

  private changed(): WebhookEndpoint {
    this.dirty = true;
    return this.snapshot();
  }

  /** Another team's endpoint is exactly like a missing one. */
  validate(caller: messages.Caller): void {
    if (caller.teamId !== this.endpoint.teamId || this.done) refuse({ code: 'resource_not_found', message: 'No such webhook endpoint.', param: 'id' });
  }

  create(): WebhookEndpoint {
    return this.snapshot();
  }

  configure(input: messages.ConfigureEndpointInput): WebhookEndpoint {
    const e = this.endpoint;
    if (input.url !== undefined) e.url = input.url;
    if (input.events !== undefined) {
      e.events = input.events;
      e.subscribed = subscribedTypes(input.events);
    }
    if (input.description !== undefined) e.description = input.description;
    if (input.status !== undefined && input.status !== e.status) {
      e.status = input.status;
      // Re-enabled: a fresh start, the old streak would disable it again at once.
      e.disabledReason = input.status === 'disabled' ? 'Disabled by request.' : null;
      this.state.streak = { count: 0, sinceMs: null };
    }
    return this.changed();
  }

  /** A new secret; the current one keeps signing beside it for the overlap. */
  rotateSecret(): WebhookEndpoint {
    const e = this.endpoint;
    e.previousSecret = { version: e.secretVersion, until: new Date(nowMs() + SECRET_OVERLAP_MS).toISOString() };
    e.secretVersion++;
    return this.changed();
  }

  delete(): WebhookEndpoint {
    this.endpoint.status = 'deleted';
    return this.changed();
  }

  sendTestEvent(input: messages.SendTestEventInput): string {
    const id = this.events.record({
      type: input.eventType,
      teamId: this.endpoint.teamId,
      aurousVersion: this.endpoint.aurousVersion,
      subject: sampleSubject(input.eventType, this.snapshot(), nowIso()),
      audience: { onlyEndpoint: this.endpoint.id },
      synthetic: true,
    });
    // Endpoints exist only in code that records events: never null here.
    return id ?? '';
  }

  recordAttempt(attempt: DeliveryAttempt): void {
    this.state.deliveries = [attempt, ...this.state.deliveries].slice(0, DELIVERIES_KEPT);
    const streak = this.state.streak;
    if (isSuccess(attempt.status)) this.state.streak = { count: 0, sinceMs: null };
    else this.state.streak = { count: streak.count + 1, sinceMs: streak.sinceMs ?? Date.parse(attempt.at) };
    this.dirty = true;
    const reason = this.endpoint.status === 'enabled' ? disableReason(attempt.status, this.state.streak, nowMs()) : null;
    if (!reason) return;
    this.endpoint.status = 'disabled';
    this.endpoint.disabledReason = reason;
    this.events.record({
      type: 'webhook.endpoint_disabled',
      teamId: this.endpoint.teamId,
      aurousVersion: this.endpoint.aurousVersion,
      subject: { kind: 'webhook_endpoint', endpoint: this.snapshot() },
      audience: { exceptEndpoint: this.endpoint.id },
    });
  }

  /** The memo GET, the list and the deliveries log read without a worker. No secret is in it. */
  publish(): void {
    if (!this.dirty) return;
    this.dirty = false;
    upsertMemo({ endpoint: this.endpoint, deliveries: this.state.deliveries });
  }
}
