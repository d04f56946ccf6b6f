/** How failures from Temporal reach the client: never a 500 for a backend that is briefly away. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NamespaceNotFoundError } from '@temporalio/common';
import { toApiError } from '../../api/errors.js';

test('a namespace the server cannot read (its database restarting) is 503 backend_unavailable', () => {
  const described = toApiError(new NamespaceNotFoundError('default'));
  assert.equal(described.status, 503);
  assert.equal(described.code, 'backend_unavailable');
  // Update-with-Start answers a bare gRPC NOT_FOUND that names the namespace.
  const grpc = Object.assign(new Error('Namespace default is not found.'), { code: 5, details: '\u0007default' });
  assert.equal(toApiError(grpc).status, 503);
});

test('an Update refused while the workflow task is retried (its worker died mid-task) is 503', () => {
  const refused = Object.assign(new Error('Unable to perform workflow execution update due to Workflow Task in failed state.'), { code: 9 });
  assert.equal(toApiError(refused).status, 503);
});

test('a gRPC NOT_FOUND about anything else is not mistaken for it', () => {
  const other = Object.assign(new Error('something else is not found'), { code: 5 });
  assert.equal(toApiError(other).status, 500);
});
