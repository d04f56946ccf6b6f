/**
 * The webhook events of a team's ledger, in one place: usage.balance_low when a change takes the
 * credits below the team's threshold, at most once an hour.
 */
import { DEFAULT_BALANCE_LOW_THRESHOLD, balanceLowDue } from '../../domain/webhooks.js';
import type { Team } from '../../domain/messages.js';
import { nowMs } from '../clock.js';
import { WebhookEvents } from '../webhook-events.js';

export interface BalanceAlerts {
  /** Workflow time (ms) of the last usage.balance_low, carried across continue-as-new. */
  lastAt: number | null;
}

export class TeamEvents extends WebhookEvents {
  constructor(private readonly alerts: BalanceAlerts) {
    super();
  }

  balanceChanged(team: Team, before: number): void {
    const threshold = team.balanceLowThreshold ?? DEFAULT_BALANCE_LOW_THRESHOLD;
    if (!balanceLowDue(before, team.credits, threshold, this.alerts.lastAt, nowMs())) return;
    const id = this.record({ type: 'usage.balance_low', teamId: team.teamId, aurousVersion: team.version, subject: { kind: 'balance', credits: team.credits } });
    if (id) this.alerts.lastAt = nowMs();
  }
}
