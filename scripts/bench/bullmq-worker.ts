/**
 * The peer pipeline many teams would build instead: BullMQ on Redis, a parent "character" job with
 * four "pose" children (a flow), the same renderer and blob store. No durable state machine, no
 * exactly-once charge, no audit trail beyond Redis' job records.
 */
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import type { Pose } from '../../domain/character.js';
import { renderAndStore } from './render-and-store.js';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const prefix = process.env.BULLMQ_PREFIX!;
const render = renderAndStore(process.env.BLOB_DIR!, Number(process.env.RENDERER_LATENCY_MS ?? 0));
new Worker(
  'pose',
  async (job) => render(job.data.id as string, job.data.pose as Pose, job.data.seed as number),
  { connection, prefix, concurrency: 100 },
);
new Worker('character', async (job) => Object.values(await job.getChildrenValues()), { connection, prefix, concurrency: 100 });
console.log('bullmq workers polling');
