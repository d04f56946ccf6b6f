/**
 * The contract's words for a refused or failed call, as pure functions: workflows raise them,
 * the API maps their codes to HTTP (api/errors.ts), unit tests read them.
 */
import type { Pose } from './character.js';
import type { Refusal } from './errors.js';
import { credits } from './pricing.js';

export function characterNotFound(): Refusal {
  return { code: 'resource_not_found', message: 'No such character.', param: 'id' };
}

export function insufficientCredits(cost: number, balance: number): Refusal {
  return { code: 'insufficient_credits', message: `This call costs ${credits(cost)} and your team has ${balance}. Add credits, then retry.` };
}

/** The ledger did not answer: the debit was voided, so the call cost nothing. */
export function ledgerUnavailable(detail: string): Refusal {
  return { code: 'backend_unavailable', message: `The credit ledger did not answer (${detail}). Nothing was charged; retry shortly.` };
}

/** A character's `error_message` after poses finally failed. */
export function generationFailedMessage(failures: readonly { pose: Pose; message: string }[]): string {
  const which = failures.map((f) => `${f.pose} (${f.message})`).join('; ');
  return `Generation failed for ${which}. Credits for the failed poses were refunded; regenerate or resynthesize to try again.`;
}
