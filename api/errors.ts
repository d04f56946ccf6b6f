/**
 * The one place that turns failures into the contract's error envelope (the `Error` schema of /openapi.json).
 * Routes throw `ApiError`s or let domain and Temporal errors through; `toApiError` maps the rest.
 */
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import { BlobStoreUnavailableError } from '../activities/blobs/store.js';
import { DOMAIN_ERRORS, isDomainErrorCode } from '../domain/errors.js';

export type ErrorType = 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'api_error';

export interface ErrorBody {
  error: { type: ErrorType; code: string; message: string; param?: string; request_id: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly type: ErrorType = status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error',
  ) {
    super(message);
  }

  body(requestId: string): ErrorBody {
    return {
      error: { type: this.type, code: this.code, message: this.message, ...(this.param ? { param: this.param } : {}), request_id: requestId },
    };
  }
}

export const notFound = (what = 'character', param = 'id') =>
  new ApiError(404, 'resource_not_found', `No such ${what}. It may never have existed, been deleted, or belong to another team.`, param);

export const backendUnavailable = (detail = 'The orchestration backend is unavailable. Retry shortly; calls with an Idempotency-Key are safe to retry.') =>
  new ApiError(503, 'backend_unavailable', detail);

/** gRPC codes that mean "Temporal cannot be reached or has no worker right now". */
const UNAVAILABLE_GRPC = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */, 8 /* RESOURCE_EXHAUSTED */]);

function applicationFailureIn(err: unknown): ApplicationFailure | null {
  let cause: unknown = err;
  for (let depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof ApplicationFailure) return cause;
    cause = (cause as { cause?: unknown }).cause;
  }
  return null;
}

function domainError(failure: ApplicationFailure): ApiError | null {
  if (!isDomainErrorCode(failure.type)) return null;
  const details = failure.details?.[0] as { param?: string } | undefined;
  if (failure.type === 'resource_not_found') return notFound();
  return new ApiError(DOMAIN_ERRORS[failure.type], failure.type, failure.message, details?.param);
}

/**
 * No worker polls; the server aborted an Update because the workflow task running it failed; or it
 * refused one while the workflow's task is being retried (its worker was killed mid-task): retry later.
 */
function isNoPoller(err: unknown): boolean {
  return err instanceof Error && /no poller seen|no pollers|unexpected workflow task failure|workflow task in failed state/i.test(err.message);
}

/**
 * The namespace is configuration, never the client's doing: "not found" is what the server answers
 * while it cannot read its namespace registry (its database restarting), so it is 503 like the rest.
 */
function isNamespaceMissing(err: unknown): boolean {
  if (err instanceof NamespaceNotFoundError) return true;
  const grpc = err as { code?: number; details?: string; message?: string } | undefined;
  return grpc?.code === 5 /* NOT_FOUND */ && /namespace\b.*\bnot found/i.test(`${grpc.details ?? ''} ${grpc.message ?? ''}`);
}

function isClosedWorkflow(err: unknown): boolean {
  return err instanceof Error && /workflow execution already completed|workflow is not running/i.test(err.message);
}

/** Any thrown value as the API error the client sees. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkflowNotFoundError || isClosedWorkflow(err) || isClosedWorkflow((err as { cause?: unknown })?.cause)) return notFound();
  if (err instanceof WorkflowUpdateFailedError) {
    const failure = applicationFailureIn(err.cause);
    const mapped = failure && domainError(failure);
    if (mapped) return mapped;
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isNoPoller(err)) return backendUnavailable();
  if (err instanceof BlobStoreUnavailableError) return backendUnavailable('The file store is unavailable. Retry shortly; calls with an Idempotency-Key are safe to retry.');
  if (isNamespaceMissing(err) || isNamespaceMissing((err as { cause?: unknown })?.cause)) return backendUnavailable();
  if (err instanceof ServiceError) {
    const code = (err.cause as { code?: number } | undefined)?.code;
    if (code !== undefined && UNAVAILABLE_GRPC.has(code)) return backendUnavailable();
    if (isNoPoller(err.cause)) return backendUnavailable();
  }
  return new ApiError(500, 'internal_error', 'An unexpected error occurred on our side. It has been logged; retry, and contact the operator if it persists.');
}
