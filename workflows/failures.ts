/** How workflow code raises the contract's refusals, and reads the cause of an activity failure. */
import { ApplicationFailure } from '@temporalio/workflow';
import type { Refusal } from '../domain/errors.js';

/**
 * Fails the current Update with a domain code the API maps to HTTP. An ApplicationFailure fails
 * the Update; any other error would fail the workflow task and retry it forever.
 */
export function refuse(refusal: Refusal): never {
  throw ApplicationFailure.create({
    type: refusal.code,
    message: refusal.message,
    details: refusal.param ? [{ param: refusal.param }] : [],
    nonRetryable: true,
  });
}

/** The innermost cause's message: an activity failure wraps the backend's own words. */
export function failureMessage(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}
