import { createRequire } from 'node:module';
import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities/index.js';

const require = createRequire(import.meta.url);

export interface CharacterWorkerOptions extends Omit<ActivityDeps, 'client'> {
  connection: NativeConnection;
  client: Client;
  namespace: string;
  taskQueue: string;
  maxCachedWorkflows?: number;
  maxConcurrentActivityTaskExecutions?: number;
  /** A pre-built bundle (tests build one per process); otherwise the worker bundles workflows/. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Worker Deployment Versioning: this worker is version `<deploymentName>.<buildId>`; unset, unversioned. */
  deployment?: { deploymentName: string; buildId: string };
}

/** The worker that runs every character, team and API-key workflow and their activities. */
export function createCharacterWorker(options: CharacterWorkerOptions): Promise<Worker> {
  const { connection, client, namespace, taskQueue, blobs, backend, onGeneration, generationTimeoutMs, webhooks } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities({ client, blobs, backend, onGeneration, generationTimeoutMs, webhooks }),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: workflowsPath() }),
    maxCachedWorkflows: options.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    // Each workflow type declares its own behaviour (workflows/versioning.ts). The default covers
    // runs begun on unversioned workers before the first versioned deploy: they move on as they
    // did unversioned, instead of being pinned to the first build for good.
    ...(options.deployment ? { workerDeploymentOptions: { version: options.deployment, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' } } : {}),
  });
}

export function workflowsPath(): string {
  return require.resolve('../workflows/index.ts');
}
