/**
 * One workflow per (event, receiver): the attempts of the contract's retry schedule, each an
 * activity with its own deadline, each reported to the endpoint for its deliveries log and its
 * auto-disable rule. At most a schedule's worth of attempts: its history stays small.
 */
import { getExternalWorkflowHandle, sleep } from '@temporalio/workflow';
import * as messages from '../domain/messages.js';
import type { DeliveryInput } from '../activities/webhooks/index.js';
import { deliverWebhook } from './activities.js';

export interface DeliveryWorkflowInput extends DeliveryInput {
  scheduleMs: number[];
}

export async function webhookDeliveryWorkflow(input: DeliveryWorkflowInput): Promise<void> {
  const { scheduleMs, ...delivery } = input;
  for (const [i, delay] of scheduleMs.entries()) {
    if (delay > 0) await sleep(delay);
    const outcome = await deliverWebhook({ ...delivery, attempt: i + 1 });
    if (outcome.attempt && delivery.target.kind === 'endpoint') {
      // A deleted endpoint's workflow is closed: its log is gone with it, nothing to report.
      await getExternalWorkflowHandle(delivery.target.endpointId).signal(messages.recordDeliveryAttempt, outcome.attempt).catch(() => undefined);
    }
    if (outcome.done) return;
  }
}
