/** The API's side of Idempotency-Key: one idempotency workflow per (team, key), see workflows/idempotency-key.ts. */
import { createHash } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import canonicalize from 'canonicalize';
import { idempotencyKeyWorkflowId } from '../../domain/ids.js';
import * as messages from '../../domain/messages.js';
import { acceptedUpdate } from './workflow-calls.js';
import type { ClaimResult, StoredResponse } from '../../domain/messages.js';

export const KEY_PATTERN = /^[\x20-\x7e]{1,256}$/;

/** Same key + same route + same canonical JSON body = the same request. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalize(body ?? {}) ?? ''}`)
    .digest('hex');
}

export class IdempotencyKeys {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  private workflowId(teamId: string, key: string): string {
    return idempotencyKeyWorkflowId(createHash('sha256').update(`${teamId}\n${key}`).digest('hex'));
  }

  claim(teamId: string, key: string, claim: messages.IdempotencyClaim): Promise<ClaimResult> {
    // Accepted within the deadline means a worker is alive; the claim may then wait for an original.
    return acceptedUpdate(this.client, () =>
      this.client.workflow.startUpdateWithStart(messages.claimIdempotencyKey, {
        args: [claim],
        updateId: claim.requestId,
        waitForStage: 'ACCEPTED',
        startWorkflowOperation: new WithStartWorkflowOperation('idempotencyWorkflow', {
          workflowId: this.workflowId(teamId, key),
          taskQueue: this.taskQueue,
          args: [],
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `Idempotency-Key of ${teamId}, kept 24 h`,
        }),
      }),
    );
  }

  complete(teamId: string, key: string, generation: number, response: StoredResponse): Promise<StoredResponse> {
    const handle = this.client.workflow.getHandle(this.workflowId(teamId, key));
    return acceptedUpdate(this.client, () => handle.startUpdate(messages.completeIdempotentRequest, { args: [{ generation, response }], waitForStage: 'ACCEPTED' }));
  }

  release(teamId: string, key: string, generation: number): Promise<void> {
    const handle = this.client.workflow.getHandle(this.workflowId(teamId, key));
    return acceptedUpdate(this.client, () => handle.startUpdate(messages.releaseIdempotencyKey, { args: [{ generation }], waitForStage: 'ACCEPTED' }));
  }
}
