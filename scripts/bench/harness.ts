/** What the bench scripts share: a client of the API, percentiles, a submit pool, saturation rates. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { Tenancy } from '../../api/use-cases/tenancy.js';

export function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

export async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  }));
}

export class Api {
  constructor(readonly url: string, readonly key: string) {}
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'X-Api-Key': this.key, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.json();
    if (response.status >= 400) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
    return json;
  }
  async settled(id: string, pollMs = 25): Promise<any> {
    for (;;) {
      const c = await this.call('GET', `/v1/characters/${id}`);
      if (c.status !== 'synthesizing') return c;
      await sleep(pollMs);
    }
  }
  /** An image generation to its end; the time is its own (created_at → completed_at). */
  async imageToDone(body: object, pollMs = 25): Promise<{ id: string; ms: number; completedAt: number }> {
    const created = await this.call('POST', '/v1/images', body);
    for (;;) {
      const image = await this.call('GET', `/v1/images/${created.id}`);
      if (image.status === 'succeeded') return { id: image.id, ms: Date.parse(image.completed_at) - Date.parse(image.created_at), completedAt: Date.parse(image.completed_at) };
      if (image.status !== 'pending' && image.status !== 'processing') throw new Error(`${image.id} ended ${image.status}`);
      await sleep(pollMs);
    }
  }
  /** Create → reviewing, in ms, from the resource's own clock: created_at (API) to updated_at at settle (workflow). */
  async createToReviewing(pollMs = 25): Promise<{ id: string; ms: number }> {
    const created = await this.call('POST', '/v1/characters', { name: 'bench', generate: true, attributes: { hair_color: 'black' } });
    const done = await this.settled(created.id, pollMs);
    if (done.status !== 'reviewing') throw new Error(`${created.id} ended ${done.status}`);
    return { id: created.id, ms: Date.parse(done.updated_at) - Date.parse(done.created_at) };
  }
}

/** A team with all the credits a run needs (its ledger on `taskQueue`), and an API client with its key. */
export async function benchApi(client: Client, apiUrl: string, taskQueue: string): Promise<{ api: Api; teamId: string }> {
  const team = await new Tenancy({ client, taskQueue }).createTeam({ name: 'bench', credits: 100_000_000 });
  return { api: new Api(apiUrl, team.apiKey), teamId: team.teamId };
}

/**
 * Saturation throughput of one pipeline: `count` jobs submitted by `concurrency` submitters as fast
 * as they are accepted, then rate = count / (last completion − first submission). Completion times
 * are the ones each system records itself (the character's updated_at, the workflow's close time,
 * the job's finishedOn), so how a harness waits for them costs the system under test nothing.
 */
export async function saturation(count: number, concurrency: number, submit: (i: number) => Promise<() => Promise<number>>): Promise<number> {
  const started = Date.now();
  const finishers: (() => Promise<number>)[] = [];
  await pool(Array.from({ length: count }), concurrency, async (_, i) => void finishers.push(await submit(i)));
  let last = 0;
  for (const finished of finishers) last = Math.max(last, await finished());
  return count / ((last - started) / 1000);
}

/** Creates through the API to reviewing; the harness waits on the oldest pending one, gently. */
export function productWrites(api: Api, count: number, concurrency: number): Promise<number> {
  return saturation(count, concurrency, async () => {
    const created = await api.call('POST', '/v1/characters', { name: 'w', generate: true });
    return async () => Date.parse((await api.settled(created.id, 100)).updated_at);
  });
}
