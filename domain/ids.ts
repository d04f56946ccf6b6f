/**
 * Every id this system mints or derives, by prefix: an operator reads in the Temporal UI what each
 * workflow is. Pure: workflows import it too. Minting fresh ids is in `new-id.ts` (Node only).
 */
export const ID_PREFIX = {
  character: 'char_',
  team: 'team_',
  request: 'req_',
  auditEvent: 'evt_',
  grant: 'grant_',
  image: 'img_',
  upload: 'upl_',
  webhookEndpoint: 'we_',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

/** What a team's API keys start with. */
export const API_KEY_PREFIX = 'al_live_';

/** Update ids of requests with an Idempotency-Key; characters remember them across continue-as-new. */
export const IDEMPOTENT_UPDATE_PREFIX = 'idem_';

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
export const CHARACTER_ID_PATTERN = new RegExp(`^${ID_PREFIX.character}${ULID}$`);
export const TEAM_ID_PATTERN = new RegExp(`^${ID_PREFIX.team}${ULID}$`);
export const IMAGE_ID_PATTERN = new RegExp(`^${ID_PREFIX.image}${ULID}$`);
export const UPLOAD_ID_PATTERN = new RegExp(`^${ID_PREFIX.upload}${ULID}$`);
export const WEBHOOK_ENDPOINT_ID_PATTERN = new RegExp(`^${ID_PREFIX.webhookEndpoint}${ULID}$`);
export const AUDIT_EVENT_ID_PATTERN = new RegExp(`^${ID_PREFIX.auditEvent}\\d+_\\d+$`);

/** An id of `kind` around a given ULID (a fixed one, when an Idempotency-Key chose it). */
export function idOf(kind: IdKind, ulid: string): string {
  return `${ID_PREFIX[kind]}${ulid}`;
}

/** The ULID inside an id of `kind`: its creation time is encoded there. */
export function ulidIn(kind: IdKind, id: string): string {
  return id.slice(ID_PREFIX[kind].length);
}

/** The workflow of an API key is named by the key's SHA-256: the key itself is never stored. */
export function apiKeyWorkflowId(keyHash: string): string {
  return `apikey_${keyHash}`;
}

/** The workflow of one (team, Idempotency-Key), named by their SHA-256. */
export function idempotencyKeyWorkflowId(hash: string): string {
  return `idemkey_${hash}`;
}

/** An audit-trail event: the workflow run it comes from and its event id there. */
export function auditEventId(runIndex: number, eventId: string | number): string {
  return `${ID_PREFIX.auditEvent}${runIndex}_${eventId}`;
}

/**
 * A webhook event: `evt_` like audit events, then 32 hex digits (the workflow's deterministic
 * uuid), so it can never be mistaken for an audit event (`evt_<run>_<n>`). It is also the id of
 * the workflow that delivers it, so the event is recorded once however often its cause replays.
 */
export function webhookEventId(uuid: string): string {
  return `${ID_PREFIX.auditEvent}${uuid.replace(/-/g, '')}`;
}
