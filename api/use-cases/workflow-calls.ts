/**
 * How the API talks to workflows. Reads come from what Temporal itself keeps (the memo, through
 * DescribeWorkflowExecution), so they answer while no worker runs. Writes are Updates that answer
 * only once a worker accepts them: with none polling, the caller gets 503 within the deadline
 * instead of hanging.
 */
import type { Client, WorkflowHandle, WorkflowUpdateHandle } from '@temporalio/client';
import { decodeTime } from 'ulid';
import { type IdKind, ulidIn } from '../../domain/ids.js';

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

/** A page of a list: the records, and whether more follow. */
export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

/** What `newestFirst` lists: a visibility query over workflows whose memo holds a record with a time-ordered id. */
export interface NewestFirstQuery<T extends { id: string; createdAt: string }> {
  kind: IdKind;
  /** The visibility clauses, ANDed; the cursor's is added here. */
  clauses: string[];
  /** The search attribute holding the creation time. */
  createdAtAttribute: string;
  /** The record in a listed workflow's memo, or undefined to skip it. */
  recordOf(memo: Record<string, unknown> | undefined): T | undefined;
  limit: number;
  startingAfter?: string;
}

/**
 * Newest first by creation (ids are time-ordered ULIDs), stable under a cursor. Visibility orders
 * by the current run's start time, which continue-as-new moves later, never earlier than creation:
 * once `limit + 1` records are found and the scan has passed the oldest of them, nothing newer can
 * follow.
 */
export async function newestFirst<T extends { id: string; createdAt: string }>(client: Client, query: NewestFirstQuery<T>): Promise<Page<T>> {
  const { startingAfter, limit } = query;
  const clauses = [...query.clauses];
  if (startingAfter) clauses.push(`${query.createdAtAttribute} <= '${new Date(decodeTime(ulidIn(query.kind, startingAfter))).toISOString()}'`);
  const wanted = limit + 1;
  const found: T[] = [];
  const newestFirstById = () => found.sort((a, b) => (a.id < b.id ? 1 : -1));
  for await (const info of client.workflow.list({ query: clauses.join(' AND '), pageSize: wanted + 20 })) {
    const record = query.recordOf(info.memo);
    if (record && (!startingAfter || record.id < startingAfter)) found.push(record);
    if (found.length >= wanted) {
      newestFirstById();
      found.length = wanted;
      if (Date.parse(found[wanted - 1]!.createdAt) > info.startTime.getTime()) break;
    }
  }
  newestFirstById();
  return { data: found.slice(0, limit), hasMore: found.length > limit };
}
