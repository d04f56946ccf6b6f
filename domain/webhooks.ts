/**
 * Webhooks (CONTRACT §8): the event types, an endpoint as its workflow holds it, a delivery
 * attempt, and the pure rules (which status change is which event, when an endpoint is disabled,
 * the retry schedule). Shared by api/, workflows/ and activities/; no Node-only imports.
 */
import type { Character, Lifecycle } from './character.js';
import type { ImageGeneration, ImageLifecycle } from './images.js';

export const WEBHOOK_EVENT_TYPES = [
  'character.completed',
  'character.failed',
  'character.deleted',
  'image.completed',
  'image.failed',
  'image.cancelled',
  'usage.balance_low',
  'webhook.endpoint_disabled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Guards every event emission added to workflows that already ran without them (replay-safe). */
export const WEBHOOK_EVENTS_PATCH = 'webhook-events';

/** usage.balance_low fires when a team's credits fall below this, at most once per interval. */
export const DEFAULT_BALANCE_LOW_THRESHOLD = 10;
export const BALANCE_LOW_INTERVAL_MS = 3600_000;

/** A rotated-out secret keeps signing (a second signature) this long. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;

/** Disabled after this many consecutive failed attempts spanning at least DISABLE_AFTER_MS. */
export const DISABLE_AFTER_FAILURES = 20;
export const DISABLE_AFTER_MS = 24 * 3600_000;

/** The attempts the deliveries log keeps per endpoint (newest first): it lives in the memo. */
export const DELIVERIES_KEPT = 50;

export type EndpointStatus = 'enabled' | 'disabled' | 'deleted';

/**
 * An endpoint as its workflow holds and publishes it. No secret: secrets are derived from the
 * server's key, the endpoint id and `secretVersion` (activities/webhooks/secrets.ts), so neither
 * history nor memo ever holds one.
 */
export interface WebhookEndpoint {
  id: string;
  teamId: string;
  url: string;
  /** As given (`["*"]` stays `["*"]`); `subscribed` is what it meant when it was set. */
  events: string[];
  subscribed: WebhookEventType[];
  description: string | null;
  metadata: Record<string, string>;
  status: EndpointStatus;
  disabledReason: string | null;
  secretVersion: number;
  /** The previous secret's version while it still signs, and until when (ISO). */
  previousSecret: { version: number; until: string } | null;
  aurousVersion: string;
  createdAt: string;
}

export interface DeliveryAttempt {
  eventId: string;
  eventType: WebhookEventType;
  attempt: number;
  at: string;
  /** The receiver's HTTP status, or null when none came back (refused, timeout, connection error). */
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** What an event is about, as its workflow knew it when the change happened. */
export type EventSubject =
  | { kind: 'character'; character: Character }
  | { kind: 'image'; image: ImageGeneration }
  | { kind: 'balance'; credits: number }
  | { kind: 'webhook_endpoint'; endpoint: WebhookEndpoint };

/** Who receives an event: the team's subscribed endpoints, or just some, plus a generation's own URL. */
export interface EventAudience {
  onlyEndpoint?: string;
  exceptEndpoint?: string;
  webhookUrl?: string | null;
}

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  teamId: string;
  createdAt: string;
  aurousVersion: string;
  synthetic: boolean;
  subject: EventSubject;
  audience: EventAudience;
}

/** `["*"]` means every type that exists now. */
export function subscribedTypes(events: readonly string[]): WebhookEventType[] {
  return events.includes('*') ? [...WEBHOOK_EVENT_TYPES] : (events as WebhookEventType[]);
}

/** The event a character's status change stands for: a generation that lands, or a deletion. */
export function characterEventFor(from: Lifecycle, to: Lifecycle): WebhookEventType | null {
  if (from === to) return null;
  if (to === 'deleted') return 'character.deleted';
  if (from !== 'synthesizing') return null;
  if (to === 'reviewing' || to === 'ready') return 'character.completed';
  return to === 'failed' ? 'character.failed' : null;
}

export function imageEventFor(from: ImageLifecycle, to: ImageLifecycle): WebhookEventType | null {
  if (from === to) return null;
  return ({ succeeded: 'image.completed', failed: 'image.failed', cancelled: 'image.cancelled' } as const)[to as string] ?? null;
}

/** Whether a balance change crosses the threshold downwards, and no alert went out within the interval. */
export function balanceLowDue(before: number, after: number, threshold: number, lastAlertMs: number | null, nowMs: number): boolean {
  return before >= threshold && after < threshold && (lastAlertMs === null || nowMs - lastAlertMs >= BALANCE_LOW_INTERVAL_MS);
}

/** Consecutive failed attempts, since when. */
export interface FailureStreak {
  count: number;
  sinceMs: number | null;
}

/** Why an endpoint must be disabled after this attempt, or null. */
export function disableReason(status: number | null, streak: FailureStreak, nowMs: number): string | null {
  if (status === 410) return 'The endpoint answered 410 Gone.';
  if (streak.count >= DISABLE_AFTER_FAILURES && streak.sinceMs !== null && nowMs - streak.sinceMs >= DISABLE_AFTER_MS) {
    return `${streak.count} consecutive deliveries failed over more than 24 hours.`;
  }
  return null;
}

export function isSuccess(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/** The contract's schedule: the delay before each attempt (at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
export const DEFAULT_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,10h';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000 };

/** Parses `0,5s,5m,…` (units ms, s, m, h; a bare number is ms) into delays in ms; throws on a bad entry. */
export function parseRetrySchedule(text: string): number[] {
  const delays = text.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)(ms|s|m|h)?\s*$/.exec(part);
    if (!match) throw new Error(`not a delay: "${part}" (use e.g. 0,5s,5m,30m,2h)`);
    return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!);
  });
  if (delays.length === 0 || delays.length > 20) throw new Error('a retry schedule has 1 to 20 attempts');
  return delays;
}
