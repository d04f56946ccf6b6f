/** The audit's reads through the API: patient with a process that is still coming back up. */
import { setTimeout as sleep } from 'node:timers/promises';

export async function getJson(url: string, apiKey: string): Promise<{ status: number; body: any }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, { headers: { 'X-Api-Key': apiKey } });
      if (response.status < 500 || attempt > 20) return { status: response.status, body: await response.json() };
    } catch (err) {
      if (attempt > 20) throw err;
    }
    await sleep(500);
  }
}

/** Whether a signed file URL answers 200 with PNG bytes. */
export async function readablePng(url: string): Promise<boolean> {
  const response = await fetch(url);
  const bytes = Buffer.from(await response.arrayBuffer());
  return response.status === 200 && bytes.subarray(1, 4).toString() === 'PNG';
}
