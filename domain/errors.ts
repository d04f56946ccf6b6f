/**
 * Domain failures: the codes a workflow or activity raises and the API maps to HTTP in one place
 * (api/errors.ts). Workflows throw them as ApplicationFailure with `type` set to the code.
 */
export const DOMAIN_ERRORS = {
  invalid_state: 400,
  character_not_ready: 400,
  generation_not_cancellable: 400,
  upload_invalid: 400,
  insufficient_credits: 402,
  resource_not_found: 404,
  backend_unavailable: 503,
} as const;
export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

export function isDomainErrorCode(value: unknown): value is DomainErrorCode {
  return typeof value === 'string' && value in DOMAIN_ERRORS;
}

/** A refused transition, as a value: the pure rules return it, the workflow throws it. */
export interface Refusal {
  code: DomainErrorCode;
  message: string;
  param?: string;
}

/** The activity error type that must not be retried (bad request to the image model, content refused…). */
export const PERMANENT_GENERATION_ERROR = 'PermanentGenerationError';
