/**
 * The side effects of webhooks: presenting an event once and finding its receivers, and one
 * delivery attempt (the endpoint re-read, its URL re-checked on the address it resolves now,
 * signed with its current secrets, posted). A failed attempt is an outcome, not an error: the
 * delivery workflow owns the retry schedule, Temporal's retries only cover a lost worker.
 */
import type { Client } from '@temporalio/client';
import { presentEvent } from '../../api/present-webhook.js';
import type { FileLinks } from '../../api/file-links.js';
import { memoOf } from '../../api/use-cases/workflow-calls.js';
import { type DeliveryAttempt, type WebhookEndpoint, type WebhookEvent, type WebhookEventType, isSuccess } from '../../domain/webhooks.js';
import { postWebhook } from './post.js';
import type { WebhookSecrets } from './secrets.js';
import { signatureHeaders } from './signing.js';
import { TargetRefused, type TargetRules, resolveTarget } from './targets.js';

export interface WebhookDeps {
  client: Client;
  secrets: WebhookSecrets;
  rules: TargetRules;
  /** Delay before each attempt, in ms (WEBHOOK_RETRY_SCHEDULE). */
  scheduleMs: number[];
  links: FileLinks;
  /** Base of the signed file URLs inside events. */
  publicUrl: () => string;
  timeoutMs?: number;
}

export type DeliveryTarget = { kind: 'endpoint'; endpointId: string } | { kind: 'url'; url: string };

export interface DeliveryInput {
  eventId: string;
  eventType: WebhookEventType;
  teamId: string;
  body: string;
  target: DeliveryTarget;
}

export interface DeliveryOutcome {
  /** Null when nothing was attempted (the endpoint is disabled or gone). */
  attempt: DeliveryAttempt | null;
  /** Delivered, or never to be retried (410, endpoint disabled or deleted). */
  done: boolean;
}

/** The team's endpoints that take `type` now (the visibility list: one team has a handful). */
async function subscribers(client: Client, event: WebhookEvent): Promise<string[]> {
  const ids: string[] = [];
  const query = `WorkflowType = 'webhookEndpointWorkflow' AND TeamId = '${event.teamId}' AND ExecutionStatus = 'Running'`;
  for await (const info of client.workflow.list({ query })) {
    const endpoint = info.memo?.endpoint as WebhookEndpoint | undefined;
    if (endpoint?.status === 'enabled' && endpoint.subscribed.includes(event.type) && endpoint.id !== event.audience.exceptEndpoint) ids.push(endpoint.id);
  }
  return ids;
}

export function createWebhookActivities(deps: WebhookDeps) {
  async function secretsOf(target: DeliveryTarget, teamId: string, now: Date): Promise<{ url: string; secrets: string[] } | null> {
    if (target.kind === 'url') return { url: target.url, secrets: [deps.secrets.defaultFor(teamId)] };
    const endpoint = (await memoOf<WebhookEndpoint>(deps.client.workflow.getHandle(target.endpointId), 'endpoint').catch(() => ({ value: undefined }))).value;
    if (endpoint?.status !== 'enabled') return null;
    const secrets = [deps.secrets.forEndpoint(endpoint.id, endpoint.secretVersion)];
    const previous = endpoint.previousSecret;
    if (previous && Date.parse(previous.until) > now.getTime()) secrets.push(deps.secrets.forEndpoint(endpoint.id, previous.version));
    return { url: endpoint.url, secrets };
  }

  return {
    /** The envelope, serialized once (so every retry signs the same bytes), its receivers, the schedule. */
    async planWebhookEvent(event: WebhookEvent): Promise<{ body: string; targets: DeliveryTarget[]; scheduleMs: number[] }> {
      const body = await presentEvent(event, deps.links, deps.publicUrl());
      const endpoints = event.audience.onlyEndpoint ? [event.audience.onlyEndpoint] : await subscribers(deps.client, event);
      const targets: DeliveryTarget[] = endpoints.map((endpointId) => ({ kind: 'endpoint', endpointId }));
      if (event.audience.webhookUrl) targets.push({ kind: 'url', url: event.audience.webhookUrl });
      return { body, targets, scheduleMs: deps.scheduleMs };
    },

    async deliverWebhook(input: DeliveryInput & { attempt: number }): Promise<DeliveryOutcome> {
      const now = new Date();
      const receiver = await secretsOf(input.target, input.teamId, now);
      if (!receiver) return { attempt: null, done: true };
      const started = performance.now();
      let result: { status: number | null; error: string | null };
      try {
        const target = await resolveTarget(receiver.url, deps.rules);
        result = await postWebhook(target, signatureHeaders(input.eventId, input.body, receiver.secrets, now), input.body, deps.timeoutMs);
      } catch (err) {
        if (!(err instanceof TargetRefused)) throw err;
        result = { status: null, error: `refused: ${err.message}` };
      }
      const attempt: DeliveryAttempt = {
        eventId: input.eventId,
        eventType: input.eventType,
        attempt: input.attempt,
        at: now.toISOString(),
        status: result.status,
        // Bounded: the log lives in the endpoint's memo.
        error: (result.error ?? (isSuccess(result.status) ? null : `HTTP ${result.status}`))?.slice(0, 200) ?? null,
        durationMs: Math.round(performance.now() - started),
      };
      return { attempt, done: isSuccess(result.status) || result.status === 410 };
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
