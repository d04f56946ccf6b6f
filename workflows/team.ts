/**
 * One workflow per team: its durable credit ledger and its API version pin. Every debit, refund and
 * grant is an Update in its history, so the ledger is auditable and replayable. Handlers are
 * synchronous, so each ledger operation is atomic without a lock.
 */
import { allHandlersFinished, condition, makeContinueAsNewFunc, patched, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { DebitResult, LedgerEntry, RefundEntry, RefundResult, Team } from '../domain/messages.js';
import * as messages from '../domain/messages.js';
import { type BalanceAlerts, TeamEvents } from './team/events.js';

/** Entry ids remembered for dedupe; a retry arrives within minutes, not after this many entries. */
const REMEMBERED_ENTRIES = 20_000;

export interface TeamWorkflowState {
  team: Team;
  /** entry id → amount applied (debits positive, refunds and grants as recorded). */
  applied: Record<string, number>;
  /** debit id → credits refunded so far. */
  refunded: Record<string, number>;
  order: string[];
  /** When usage.balance_low last went out; absent in runs from before webhooks. */
  balanceLowAlerts?: BalanceAlerts;
}

export type TeamWorkflowInput = { team: Team } | { state: TeamWorkflowState };

export class Ledger {
  readonly state: TeamWorkflowState;

  constructor(input: TeamWorkflowInput) {
    this.state = 'state' in input ? input.state : { team: input.team, applied: {}, refunded: {}, order: [] };
  }

  get team(): Team {
    return this.state.team;
  }

  debit(entry: LedgerEntry): DebitResult {
    if (entry.entryId in this.state.applied) return { applied: true, amount: entry.amount, credits: this.team.credits };
    if (this.team.credits < entry.amount) return { applied: false, amount: 0, credits: this.team.credits };
    this.team.credits -= entry.amount;
    this.remember(entry.entryId, entry.amount);
    return { applied: true, amount: entry.amount, credits: this.team.credits };
  }

  /** Returns credits of one debit, never more than it took; a refund of a debit never applied is a no-op. */
  refund(entry: RefundEntry): RefundResult {
    if (entry.entryId in this.state.applied) return { refunded: this.state.applied[entry.entryId]!, credits: this.team.credits };
    const debited = this.state.applied[entry.debitId] ?? 0;
    const already = this.state.refunded[entry.debitId] ?? 0;
    const amount = Math.max(0, Math.min(entry.amount, debited - already));
    this.team.credits += amount;
    this.state.refunded[entry.debitId] = already + amount;
    this.remember(entry.entryId, amount);
    return { refunded: amount, credits: this.team.credits };
  }

  grant(entry: LedgerEntry): number {
    if (entry.entryId in this.state.applied) return this.team.credits;
    this.team.credits += entry.amount;
    this.remember(entry.entryId, entry.amount);
    return this.team.credits;
  }

  private remember(entryId: string, amount: number): void {
    this.state.applied[entryId] = amount;
    this.state.order.push(entryId);
    while (this.state.order.length > REMEMBERED_ENTRIES) {
      const oldest = this.state.order.shift()!;
      delete this.state.applied[oldest];
      delete this.state.refunded[oldest];
    }
  }
}

/**
 * The team as readers see it without a worker: its memo (balance and version pin), upserted in the
 * task of every change. Runs recorded before memos were kept replay without it.
 */
export const TEAM_MEMO_PATCH = 'team-memo';

function publish(team: Team): void {
  if (patched(TEAM_MEMO_PATCH)) upsertMemo({ team });
}

/** Runs a ledger operation; a change of the balance is published and may record usage.balance_low. */
function published<T>(ledger: Ledger, events: TeamEvents, operation: () => T): T {
  const before = ledger.team.credits;
  const result = operation();
  if (ledger.team.credits !== before) {
    publish(ledger.team);
    events.balanceChanged(ledger.team, before);
  }
  return result;
}

function validateAmount(entry: LedgerEntry): void {
  if (!Number.isInteger(entry.amount) || entry.amount < 0) throw new Error(`amount must be a non-negative integer, got ${entry.amount}`);
  if (!entry.entryId) throw new Error('entryId is required');
}

export async function teamWorkflow(input: TeamWorkflowInput): Promise<void> {
  const ledger = new Ledger(input);
  ledger.state.balanceLowAlerts ??= { lastAt: null };
  const events = new TeamEvents(ledger.state.balanceLowAlerts);

  setHandler(messages.getTeam, () => ledger.team);
  setHandler(messages.debitCredits, (e) => published(ledger, events, () => ledger.debit(e)), { validator: validateAmount });
  setHandler(messages.refundCredits, (e) => published(ledger, events, () => ledger.refund(e)), { validator: validateAmount });
  setHandler(messages.grantCredits, (e) => published(ledger, events, () => ledger.grant(e)), { validator: validateAmount });

  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(() => allHandlersFinished() && events.settled);
  // The next run starts with the memo, so a read between the two runs still finds the team.
  await makeContinueAsNewFunc<typeof teamWorkflow>({ memo: { team: ledger.team } })({ state: ledger.state });
}
