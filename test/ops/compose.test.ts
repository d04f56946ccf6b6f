/**
 * docker-compose.temporal.yml cannot run here (no Docker engine), so its settings are compared with
 * what the project's own scripts and configuration use: the same server versions, the same S3
 * server and credentials, the same dynamic config, and an app environment the config accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { load } from 'js-yaml';
import { loadConfig } from '../../platform/config.js';
import { DEV_S3, VERSITYGW_VERSION } from '../../scripts/s3/versitygw.js';
import { PROJECT_DYNAMIC_CONFIG } from '../../scripts/temporal/dev-server.js';
import { TEMPORAL_SERVER_VERSION } from '../../scripts/temporal/server.js';
import { NODE22_VERSION } from '../../scripts/node22.js';

interface Service {
  image: string;
  environment?: Record<string, string>;
  command?: string[] | string;
  depends_on?: Record<string, unknown>;
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  configs: Record<string, { content: string }>;
}

const compose = load(readFileSync(new URL('../../docker-compose.temporal.yml', import.meta.url), 'utf8')) as Compose;
const services = compose.services;

/** `${NAME:-default}` as Compose would expand it with NAME unset; `${NAME:?…}` as a stand-in value. */
function expand(value: unknown): string {
  return String(value)
    .replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1')
    .replace(/\$\{([A-Z0-9_]+):\?[^}]*\}/g, (_, name: string) => `${name.toLowerCase()}-given-by-the-operator-0123456789abcdef`);
}
const envOf = (service: Service) => Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, expand(v)]));
const script = (service: Service) => (Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? ''));
const APP_SERVICES = ['worker', 'api', 'temporal-setup'];

describe('docker-compose.temporal.yml against the project’s scripts', () => {
  test('the Temporal server is the version the scripts build, and its dynamic config is the project’s', () => {
    assert.equal(services.temporal!.image, `temporalio/auto-setup:${TEMPORAL_SERVER_VERSION.slice(1)}`);
    const dynamic = load(compose.configs['temporal-dynamic-config']!.content) as Record<string, { value: unknown }[]>;
    assert.deepEqual(Object.fromEntries(Object.entries(dynamic).map(([key, [first]]) => [key, first!.value])), { ...PROJECT_DYNAMIC_CONFIG });
  });

  test('the S3 server is versitygw from the same Go module and version, with the development credentials and region', () => {
    const s3 = services.s3!;
    assert.match(script(s3), new RegExp(`go install github\\.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION.replace(/\./g, '\\.')}\\b`));
    assert.match(script(s3), new RegExp(`--region ${DEV_S3.region} posix `));
    const env = envOf(s3);
    assert.equal(env.ROOT_ACCESS_KEY_ID, DEV_S3.accessKeyId);
    assert.equal(env.ROOT_SECRET_ACCESS_KEY, DEV_S3.secretAccessKey);
  });

  test('every app service reads its blobs from that bucket, with the credentials the server has', () => {
    const port = /--port :(\d+)/.exec(script(services.s3!))?.[1];
    for (const name of APP_SERVICES) {
      const env = envOf(services[name]!);
      const config = loadConfig({ ...env, DATA_DIR: '/tmp/aurous-compose-test' });
      assert.equal(config.BLOB_STORE, 's3', name);
      assert.equal(config.S3_ENDPOINT, `http://s3:${port}`, name);
      assert.deepEqual([config.S3_BUCKET, config.S3_REGION, config.S3_FORCE_PATH_STYLE], [DEV_S3.bucket, DEV_S3.region, true], name);
      assert.deepEqual([config.S3_ACCESS_KEY_ID, config.S3_SECRET_ACCESS_KEY], [DEV_S3.accessKeyId, DEV_S3.secretAccessKey], name);
      assert.equal(config.BLOB_DIR, undefined, `${name}: no local blob folder`);
      assert.ok(services[name]!.depends_on && 's3' in services[name]!.depends_on, `${name} waits for the S3 server`);
    }
    assert.ok(!JSON.stringify(services).includes('/var/lib/aurous/blobs'), 'no shared blob volume is left');
  });

  test('the API shares rate limits through the Redis service, on the port the config expects', () => {
    assert.match(services.redis!.image, /^redis:\d+$/);
    const config = loadConfig({ ...envOf(services.api!), DATA_DIR: '/tmp/aurous-compose-test' });
    assert.equal(config.RATE_LIMIT_STORE, 'redis');
    assert.equal(new URL(config.REDIS_URL).host, 'redis:6379');
    assert.equal(new URL(loadConfig({}).REDIS_URL).port, '6379', 'the scripts’ default Redis port');
  });

  test('the app runs on a supported Node.js version', () => {
    for (const name of APP_SERVICES) assert.equal(services[name]!.image, `node:${NODE22_VERSION.split('.')[0]}`, name);
  });
});
