/** Paying for a generation from workflow code: the debit that the ledger applies at most once. */
import type { DebitResult, LedgerEntry } from '../domain/messages.js';
import { insufficientCredits, ledgerUnavailable } from '../domain/refusals.js';
import { debitTeam, refundTeam } from './activities.js';
import { failureMessage, refuse } from './failures.js';

/**
 * Debits `entry` from the team, or refuses the Update: 402 when the credits do not cover it, 503
 * when the ledger did not answer. A retry reproduces the entry id, so it never pays twice.
 */
export async function charge(teamId: string, entry: LedgerEntry): Promise<DebitResult> {
  const debit = await debitTeam(teamId, entry).catch(async (err) => {
    // The ledger did not answer in time: the debit may or may not have landed. Void it (a no-op
    // if it never did), so the refused call costs nothing, then ask the caller to retry.
    await refundTeam(teamId, { ...entry, entryId: `${entry.entryId}/void`, debitId: entry.entryId, reason: 'void' });
    refuse(ledgerUnavailable(failureMessage(err)));
  });
  if (!debit.applied) refuse(insufficientCredits(entry.amount, debit.credits));
  return debit;
}
