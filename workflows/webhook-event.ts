/**
 * One workflow per webhook event (id = the event id), started by the workflow whose change caused
 * it. It presents the resource once, finds who should receive it, and hands each receiver its own
 * delivery workflow: one slow or dead endpoint only ever delays its own deliveries.
 */
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { WebhookEvent } from '../domain/webhooks.js';
import { planWebhookEvent } from './activities.js';
import { webhookDeliveryWorkflow } from './webhook-delivery.js';

export async function webhookEventWorkflow(event: WebhookEvent): Promise<void> {
  const plan = await planWebhookEvent(event);
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
