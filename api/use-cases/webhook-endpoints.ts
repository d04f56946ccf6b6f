/**
 * The webhook endpoint use cases: each endpoint is a workflow (`we_…`). Writes are Updates (503
 * without a worker); reads come from its memo (describe) and, for the list, from visibility. The
 * secrets shown at create and rotate are derived here from the endpoint's secret version.
 */
import { type Client, WithStartWorkflowOperation, type WorkflowHandle, type WorkflowUpdateHandle } from '@temporalio/client';
import { decodeTime } from 'ulid';
import type { WebhookSecrets } from '../../activities/webhooks/secrets.js';
import type { TargetRules } from '../../activities/webhooks/targets.js';
import { IDEMPOTENT_UPDATE_PREFIX, WEBHOOK_ENDPOINT_ID_PATTERN, ulidIn } from '../../domain/ids.js';
import * as messages from '../../domain/messages.js';
import { newId } from '../../domain/new-id.js';
import { TeamId } from '../../domain/search-attributes.js';
import { type DeliveryAttempt, type WebhookEndpoint, type WebhookEventType, subscribedTypes } from '../../domain/webhooks.js';
import { notFound, toApiError } from '../errors.js';
import { checkWebhookUrl } from '../webhook-targets.js';
import type { CallContext } from './characters.js';
import { acceptedUpdate, memoOf } from './workflow-calls.js';

const endpointNotFound = () => notFound('webhook endpoint');

export interface EndpointSpec {
  url: string;
  events: string[];
  description?: string | null;
  metadata?: Record<string, string>;
}

export interface EndpointChanges {
  url?: string;
  events?: string[];
  description?: string | null;
  status?: 'enabled' | 'disabled';
}

export class WebhookEndpoints {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly secrets: WebhookSecrets,
    private readonly rules: TargetRules,
  ) {}

  async create(ctx: CallContext, spec: EndpointSpec): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await checkWebhookUrl(spec.url, this.rules, 'url');
    const id = ctx.operationId ?? newId('webhookEndpoint');
    const endpoint: WebhookEndpoint = {
      id,
      teamId: ctx.teamId,
      url: spec.url,
      events: spec.events,
      subscribed: subscribedTypes(spec.events),
      description: spec.description ?? null,
      metadata: spec.metadata ?? {},
      status: 'enabled',
      disabledReason: null,
      secretVersion: 1,
      previousSecret: null,
      aurousVersion: ctx.version,
      createdAt: new Date(decodeTime(ulidIn('webhookEndpoint', id))).toISOString(),
    };
    const start = new WithStartWorkflowOperation('webhookEndpointWorkflow', {
      workflowId: id,
      taskQueue: this.taskQueue,
      args: [{ endpoint }],
      workflowIdConflictPolicy: ctx.operationId ? 'USE_EXISTING' : 'FAIL',
      staticSummary: `Webhook endpoint of ${ctx.teamId}`,
      typedSearchAttributes: [{ key: TeamId, value: ctx.teamId }],
      // Readable at once, before the first task runs: GET answers from the memo.
      memo: { endpoint, deliveries: [] },
    });
    const created = await acceptedUpdate(this.client, () =>
      this.client.workflow.startUpdateWithStart(messages.createWebhookEndpoint, {
        args: [{ teamId: ctx.teamId, requestId: ctx.requestId }],
        updateId: `${IDEMPOTENT_UPDATE_PREFIX}${id}`,
        startWorkflowOperation: start,
        waitForStage: 'ACCEPTED',
      }),
    );
    return { endpoint: created, secret: this.secrets.forEndpoint(id, created.secretVersion) };
  }

  private async read(ctx: CallContext, id: string): Promise<{ endpoint: WebhookEndpoint; deliveries: DeliveryAttempt[] }> {
    if (!WEBHOOK_ENDPOINT_ID_PATTERN.test(id)) throw endpointNotFound();
    const handle = this.client.workflow.getHandle(id);
    let memo: { endpoint?: WebhookEndpoint; deliveries?: DeliveryAttempt[] } | undefined;
    try {
      const description = await handle.describe();
      memo = description.memo as typeof memo;
    } catch (err) {
      throw this.endpointError(err);
    }
    const endpoint = memo?.endpoint;
    if (!endpoint || endpoint.teamId !== ctx.teamId || endpoint.status === 'deleted') throw endpointNotFound();
    return { endpoint, deliveries: memo?.deliveries ?? [] };
  }

  private endpointError(err: unknown) {
    const apiError = toApiError(err);
    return apiError.code === 'resource_not_found' ? endpointNotFound() : apiError;
  }

  async get(ctx: CallContext, id: string): Promise<WebhookEndpoint> {
    return (await this.read(ctx, id)).endpoint;
  }

  /** The attempts, newest first (the memo keeps the latest DELIVERIES_KEPT). */
  async deliveries(ctx: CallContext, id: string, limit: number): Promise<{ data: DeliveryAttempt[]; hasMore: boolean }> {
    const { deliveries } = await this.read(ctx, id);
    return { data: deliveries.slice(0, limit), hasMore: deliveries.length > limit };
  }

  /** Runs an Update on the team's endpoint; a refusal is the endpoint's 404. */
  private async update<R>(ctx: CallContext, id: string, send: (handle: WorkflowHandle, updateId: string) => Promise<WorkflowUpdateHandle<R>>): Promise<R> {
    await this.read(ctx, id);
    const handle = this.client.workflow.getHandle(id);
    try {
      return await acceptedUpdate(this.client, () => send(handle, ctx.operationId ?? ctx.requestId));
    } catch (err) {
      throw this.endpointError(err);
    }
  }

  async configure(ctx: CallContext, id: string, changes: EndpointChanges): Promise<WebhookEndpoint> {
    if (changes.url !== undefined) await checkWebhookUrl(changes.url, this.rules, 'url');
    const caller = { teamId: ctx.teamId, requestId: ctx.requestId };
    return this.update(ctx, id, (h, updateId) => h.startUpdate(messages.configureWebhookEndpoint, { args: [{ ...caller, ...changes }], updateId, waitForStage: 'ACCEPTED' }));
  }

  async delete(ctx: CallContext, id: string): Promise<WebhookEndpoint> {
    return this.update(ctx, id, (h, updateId) => h.startUpdate(messages.deleteWebhookEndpoint, { args: [{ teamId: ctx.teamId, requestId: ctx.requestId }], updateId, waitForStage: 'ACCEPTED' }));
  }

  async rotateSecret(ctx: CallContext, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.update(ctx, id, (h, updateId) => h.startUpdate(messages.rotateWebhookSecret, { args: [{ teamId: ctx.teamId, requestId: ctx.requestId }], updateId, waitForStage: 'ACCEPTED' }));
    return { endpoint, secret: this.secrets.forEndpoint(id, endpoint.secretVersion) };
  }

  /** Records a synthetic event for this endpoint only; answers with its id. */
  async sendTest(ctx: CallContext, id: string, eventType: WebhookEventType): Promise<string> {
    return this.update(ctx, id, (h, updateId) => h.startUpdate(messages.sendTestWebhook, { args: [{ teamId: ctx.teamId, requestId: ctx.requestId, eventType }], updateId, waitForStage: 'ACCEPTED' }));
  }

  defaultSecret(ctx: CallContext): string {
    return this.secrets.defaultFor(ctx.teamId);
  }

  /** Newest first. A team has a handful of endpoints: one visibility scan, paged here. */
  async list(ctx: CallContext, input: { limit: number; startingAfter?: string }): Promise<{ data: WebhookEndpoint[]; hasMore: boolean }> {
    const found: WebhookEndpoint[] = [];
    const query = `WorkflowType = 'webhookEndpointWorkflow' AND TeamId = '${ctx.teamId}' AND ExecutionStatus = 'Running'`;
    for await (const info of this.client.workflow.list({ query })) {
      const endpoint = info.memo?.endpoint as WebhookEndpoint | undefined;
      if (endpoint && endpoint.status !== 'deleted' && (!input.startingAfter || endpoint.id < input.startingAfter)) found.push(endpoint);
    }
    found.sort((a, b) => (a.id < b.id ? 1 : -1));
    return { data: found.slice(0, input.limit), hasMore: found.length > input.limit };
  }
}
