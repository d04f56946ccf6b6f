/** Liveness and readiness: `/readyz` is 200 only when Temporal answers and a worker polls the queue. */
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { Router } from 'express';
import { backendUnavailable } from '../errors.js';

const { temporal } = proto;

const POLLER_FRESH_MS = 90_000;

/** Liveness and readiness probes, asked often by machines: logged quietly. */
export function isProbe(path: string): boolean {
  return path === '/healthz' || path === '/readyz';
}

export interface ReadinessDeps {
  connection: Connection;
  namespace: string;
  taskQueue: string;
}

export async function readiness({ connection, namespace, taskQueue }: ReadinessDeps): Promise<{ ready: boolean; reason?: string }> {
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue(
      { namespace, taskQueue: { name: taskQueue }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW },
    );
    const fresh = (pollers ?? []).filter((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return Date.now() - seconds * 1000 < POLLER_FRESH_MS;
    });
    if (fresh.length === 0) return { ready: false, reason: `no worker is polling task queue ${taskQueue}` };
    return { ready: true };
  } catch (err) {
    return { ready: false, reason: `Temporal is unreachable: ${(err as Error).message.split('\n')[0]}` };
  }
}

export function healthRoutes(deps: ReadinessDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, reason } = await readiness(deps);
    if (!ready) throw backendUnavailable(`Not ready: ${reason}.`);
    res.json({ status: 'ready' });
  });
  return router;
}
