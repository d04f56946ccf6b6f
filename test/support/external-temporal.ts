/**
 * The tests against an already running Temporal server instead of an ephemeral dev server: set
 * TEMPORAL_TEST_ADDRESS (scripts/test-postgres.ts does, for the real server on PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';

export interface ExternalTemporal {
  address: string;
  namespace: string;
  /** The dynamic config the server runs with beyond its defaults (TEMPORAL_TEST_DYNAMIC_CONFIG, JSON). */
  dynamicConfig: Record<string, unknown>;
}

/** The server named by TEMPORAL_TEST_ADDRESS (and TEMPORAL_TEST_NAMESPACE, default `default`), or null. */
export function externalTemporal(env: NodeJS.ProcessEnv = process.env): ExternalTemporal | null {
  if (!env.TEMPORAL_TEST_ADDRESS) return null;
  return {
    address: env.TEMPORAL_TEST_ADDRESS,
    namespace: env.TEMPORAL_TEST_NAMESPACE ?? 'default',
    dynamicConfig: JSON.parse(env.TEMPORAL_TEST_DYNAMIC_CONFIG ?? '{}') as Record<string, unknown>,
  };
}

/**
 * A test environment on the external server. Its dynamic config was fixed when it started, so a
 * test that asks for values the server does not have fails here, naming them.
 */
export async function connectExternalTemporal(
  external: ExternalTemporal,
  dynamicConfig: Record<string, unknown> = {},
): Promise<TestWorkflowEnvironment> {
  const missing = Object.entries(dynamicConfig).filter(([key, value]) => JSON.stringify(external.dynamicConfig[key]) !== JSON.stringify(value));
  if (missing.length > 0) {
    throw new Error(
      `This test needs dynamic config ${missing.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ')} that the server at ${external.address} was not started with` +
        ' (scripts/test-postgres.ts: FILE_DYNAMIC_CONFIG).',
    );
  }
  return TestWorkflowEnvironment.createFromExistingServer({ address: external.address, namespace: external.namespace });
}

/** A task queue of its own per stack: the server outlives each test file, and so do its workflows. */
export function externalTaskQueue(): string {
  return `characters-test-${randomUUID().slice(0, 8)}`;
}
