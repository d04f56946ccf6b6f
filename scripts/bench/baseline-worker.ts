/** A worker process for the bare Temporal baseline (task queue bench-baseline). */
import { createRequire } from 'node:module';
import { NativeConnection, Worker } from '@temporalio/worker';
import { renderAndStore, renderImageAndStore } from './render-and-store.js';

export function baselineActivities(blobDir: string, latencyMs: number) {
  return { renderPose: renderAndStore(blobDir, latencyMs), renderImage: renderImageAndStore(blobDir, latencyMs) };
}

if (process.argv[1]?.endsWith('baseline-worker.ts')) {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: 'bench-baseline',
    workflowsPath: createRequire(import.meta.url).resolve('./baseline-workflow.ts'),
    activities: baselineActivities(process.env.BLOB_DIR!, Number(process.env.RENDERER_LATENCY_MS ?? 0)),
    maxConcurrentActivityTaskExecutions: 100,
  });
  console.log('baseline worker polling');
  await worker.run();
}
