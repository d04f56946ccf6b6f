/**
 * One workflow per webhook event (id = the event id), started by the workflow whose change caused
 * it. It presents the resource once, finds who should receive it, and hands each receiver its own
 * delivery workflow: one slow or dead endpoint only ever delays its own deliveries.
 */
import { ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import type { WebhookEvent } from '../domain/webhooks.js';
import { planWebhookEvent, planWebhookEventLocally } from './activities.js';
import { webhookDeliveryWorkflow } from './webhook-delivery.js';

/** The plan is a local activity from this patch on; events recorded before it replay with the regular one. */
export const WEBHOOK_EVENT_LOCAL_PLAN_PATCH = 'webhook-event-local-plan';

export async function webhookEventWorkflow(event: WebhookEvent): Promise<void> {
  const plan = await (patched(WEBHOOK_EVENT_LOCAL_PLAN_PATCH) ? planWebhookEventLocally : planWebhookEvent)(event);
  await Promise.all(
    plan.targets.map((target) =>
      startChild(webhookDeliveryWorkflow, {
        workflowId: `${event.id}_${target.kind === 'endpoint' ? target.endpointId : 'webhook_url'}`,
        args: [{ eventId: event.id, eventType: event.type, teamId: event.teamId, body: plan.body, target, scheduleMs: plan.scheduleMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Deliver ${event.type} to ${target.kind === 'endpoint' ? target.endpointId : 'the generation webhook_url'}`,
      }),
    ),
  );
}
