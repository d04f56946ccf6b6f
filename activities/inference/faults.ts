/**
 * The built-in renderer's stand-in for a real model's behaviour: a configurable latency and a share
 * of attempts that fail or hang. Every built-in entry point (poses, image generations) goes through
 * here, so demos, chaos runs and benchmarks see one failure model.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentGenerationFailure, TransientGenerationFailure } from './backend.js';

export interface FaultOptions {
  latencyMs: number;
  /** Share of attempts that fail with a retryable error. */
  transientFailureRate: number;
  /** Share of attempts that fail for good. */
  permanentFailureRate: number;
  /** Share of attempts that never answer (until cancelled or timed out). */
  hangRate: number;
}

export type InjectedFault = 'transient' | 'permanent' | 'hang';

/** Waits the configured latency, then maybe fails or hangs; resolves when the attempt may render. */
export async function simulateModelCall(options: FaultOptions, signal: AbortSignal, onFault?: (fault: InjectedFault) => void): Promise<void> {
  if (options.latencyMs > 0) await sleep(options.latencyMs, undefined, { signal });
  const roll = Math.random();
  const { hangRate, permanentFailureRate, transientFailureRate } = options;
  if (roll < hangRate) {
    onFault?.('hang');
    await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  }
  if (roll < hangRate + permanentFailureRate) {
    onFault?.('permanent');
    throw new PermanentGenerationFailure('renderer: injected permanent failure');
  }
  if (roll < hangRate + permanentFailureRate + transientFailureRate) {
    onFault?.('transient');
    throw new TransientGenerationFailure('renderer: injected transient failure');
  }
}
