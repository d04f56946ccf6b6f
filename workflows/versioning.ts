/**
 * How each workflow type moves between worker builds under Worker Deployment Versioning: the one
 * place this is decided (README, "Rolling out a new worker build").
 *
 * - PINNED: a run stays on the build that started it until it ends, so its code may change freely
 *   from one build to the next. For runs that end within minutes to a day: image generations,
 *   upload tickets (24 h), idempotency keys (24 h). Rolling back strands nothing: old builds
 *   keep polling until their pinned runs drain.
 * - AUTO_UPGRADE: a run moves to the current build at its next workflow task. For runs that live
 *   for years (characters, team ledgers, API keys): pinning them would keep every build alive
 *   forever. Their code therefore changes only replay-safely: behind `patched()`, proved by the
 *   replay test. Upgrade-on-continue-as-new (pinned, moving at continue-as-new when
 *   `workflowInfo().targetWorkerDeploymentVersionChanged`) needs a server whose API has
 *   ContinueAsNewVersioningBehavior; Temporal Server 1.29.1 (API v1.53) has not, and on it that
 *   flag is always false. Revisit when the server moves on.
 */
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import type { VersioningBehavior } from '@temporalio/common';

export const VERSIONING_BEHAVIOR = {
  characterWorkflow: 'AUTO_UPGRADE',
  teamWorkflow: 'AUTO_UPGRADE',
  apiKeyWorkflow: 'AUTO_UPGRADE',
  imageWorkflow: 'PINNED',
  uploadWorkflow: 'PINNED',
  idempotencyWorkflow: 'PINNED',
  // An endpoint lives as long as the team keeps it; an event and its deliveries end within the retry schedule (about 32 h).
  webhookEndpointWorkflow: 'AUTO_UPGRADE',
  webhookEventWorkflow: 'PINNED',
  webhookDeliveryWorkflow: 'PINNED',
} as const satisfies Record<string, VersioningBehavior>;

export type WorkflowType = keyof typeof VERSIONING_BEHAVIOR;

type WorkflowFunction = (...args: any[]) => Promise<any>;

/**
 * Annotates every workflow function with its type's behaviour; a new type must be added above.
 * Only on a versioned worker (its deployment version has a deployment name; an unversioned one
 * reports just a build id): the SDK fails every workflow task of an unversioned worker whose
 * workflow declares a behaviour. A run that began on an unversioned worker sees no deployment
 * while it replays its first task, so it takes the worker's default (worker/create-worker.ts).
 */
export function declareVersioning(workflows: Record<WorkflowType, WorkflowFunction>): void {
  for (const [type, fn] of Object.entries(workflows)) {
    const versioningBehavior = VERSIONING_BEHAVIOR[type as WorkflowType];
    setWorkflowOptions(() => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior } : {}), fn);
  }
}
