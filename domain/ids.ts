/** Workflow ids: an operator reads in the Temporal UI what each workflow is. */
export const CHARACTER_ID_PATTERN = /^char_[0-9A-HJKMNP-TV-Z]{26}$/;
export const TEAM_ID_PATTERN = /^team_[0-9A-HJKMNP-TV-Z]{26}$/;

export function apiKeyWorkflowId(keyHash: string): string {
  return `apikey_${keyHash}`;
}

/** Update ids of requests with an Idempotency-Key start with this; characters remember them across continue-as-new. */
export const IDEMPOTENT_UPDATE_PREFIX = 'idem_';
