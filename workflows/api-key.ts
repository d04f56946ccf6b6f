/**
 * One workflow per API key, named by the key's SHA-256 (the key itself is never stored). It lives
 * until the key is revoked; a revoked key's closed workflow still answers the query.
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { ApiKeyRecord } from '../domain/messages.js';
import * as messages from '../domain/messages.js';

export async function apiKeyWorkflow(record: ApiKeyRecord): Promise<ApiKeyRecord> {
  const key = { ...record };
  setHandler(messages.getApiKey, () => key);
  setHandler(messages.revokeApiKey, () => {
    key.revoked = true;
    return key;
  });
  await condition(() => key.revoked);
  return key;
}
