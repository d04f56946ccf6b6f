/**
 * One workflow per webhook endpoint (id = the endpoint id, `we_…`). Table of contents: messages
 * wired to `EndpointEntity` (workflows/webhook-endpoint/), then a loop that publishes the memo once
 * per task and continues-as-new when Temporal suggests it: a busy endpoint's deliveries report
 * thousands of attempts an hour.
 */
import { allHandlersFinished, condition, makeContinueAsNewFunc, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import * as messages from '../domain/messages.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import { EndpointEntity, type EndpointWorkflowInput } from './webhook-endpoint/entity.js';

export type { EndpointWorkflowInput } from './webhook-endpoint/entity.js';

const DELETED_GRACE = '1 minute';

export async function webhookEndpointWorkflow(input: EndpointWorkflowInput): Promise<WebhookEndpoint> {
  const entity = new EndpointEntity(input);
  const validate = (caller: messages.Caller) => entity.validate(caller);

  setHandler(messages.getWebhookEndpoint, () => entity.endpoint);
  setHandler(messages.createWebhookEndpoint, () => entity.create(), { validator: validate });
  setHandler(messages.configureWebhookEndpoint, (i) => entity.configure(i), { validator: validate });
  setHandler(messages.rotateWebhookSecret, () => entity.rotateSecret(), { validator: validate });
  setHandler(messages.deleteWebhookEndpoint, () => entity.delete(), { validator: validate });
  setHandler(messages.sendTestWebhook, (i) => entity.sendTestEvent(i), { validator: validate });
  // A signal: the delivery that reports an attempt needs no answer, and must not wait for one.
  setHandler(messages.recordDeliveryAttempt, (a) => entity.recordAttempt(a));

  for (;;) {
    entity.publish();
    await condition(() => entity.dirty || entity.done || workflowInfo().continueAsNewSuggested);
    if (entity.dirty) continue;
    if (entity.done) break;
    await condition(() => allHandlersFinished() && entity.events.settled);
    entity.publish();
    await makeContinueAsNewFunc<typeof webhookEndpointWorkflow>({ memo: { endpoint: entity.endpoint, deliveries: entity.state.deliveries } })({ state: entity.state });
  }
  entity.publish();
  // Deleted: stay open a while, so the workflow never completes in the task that answers the delete
  // Update (delivery reports arriving meanwhile would make the server refuse that completion and
  // abort the Update), and late reports of in-flight deliveries still land.
  await sleep(DELETED_GRACE);
  await condition(() => allHandlersFinished() && entity.events.settled);
  return entity.endpoint;
}
