/**
 * How the API talks to workflows. Reads come from what Temporal itself keeps (the memo, through
 * DescribeWorkflowExecution), so they answer while no worker runs. Writes are Updates that answer
 * only once a worker accepts them: with none polling, the caller gets 503 within the deadline
 * instead of hanging.
 */
import type { Client, WorkflowHandle, WorkflowUpdateHandle } from '@temporalio/client';

/** How long a write waits for a worker to accept its Update before answering 503. */
export const ACCEPT_DEADLINE_MS = 8000;

/** The memo entry `key` of a workflow's latest run, or undefined when that run has not published it. */
export async function memoOf<T>(handle: WorkflowHandle, key: string): Promise<{ value: T | undefined; running: boolean }> {
  const description = await handle.describe();
  return { value: description.memo?.[key] as T | undefined, running: description.status.name === 'RUNNING' };
}

/**
 * Runs an Update: `start` sends it and waits for ACCEPTED under the deadline (a worker is alive and
 * the validator passed), then the result is awaited without it (the handler may take its time).
 */
export async function acceptedUpdate<R>(client: Client, start: () => Promise<WorkflowUpdateHandle<R>>): Promise<R> {
  const handle = await client.withDeadline(Date.now() + ACCEPT_DEADLINE_MS, start);
  return handle.result();
}
