/** Configuration that cannot work is refused at start, naming the variable. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../platform/config.js';

const base = { FILE_URL_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/aurous-config-test' };
const s3 = { ...base, BLOB_STORE: 's3', S3_ENDPOINT: 'http://127.0.0.1:9000' };

test('S3_PRESIGNED_URLS needs the S3 store', () => {
  assert.throws(() => loadConfig({ ...base, S3_PRESIGNED_URLS: 'true' }), /S3_PRESIGNED_URLS: needs BLOB_STORE=s3/);
  assert.equal(loadConfig({ ...s3, S3_PRESIGNED_URLS: 'true' }).S3_PRESIGNED_URLS, true);
  assert.equal(loadConfig(s3).S3_PRESIGNED_URLS, false);
});

test('presigned URLs live at most 7 days, as SigV4 allows', () => {
  assert.throws(() => loadConfig({ ...s3, S3_PRESIGNED_URLS: 'true', FILE_URL_TTL_SECONDS: String(7 * 24 * 3600 + 1) }), /FILE_URL_TTL_SECONDS: at most 604800/);
  assert.equal(loadConfig({ ...s3, S3_PRESIGNED_URLS: 'true', FILE_URL_TTL_SECONDS: String(7 * 24 * 3600) }).FILE_URL_TTL_SECONDS, 604800);
  // The API's own signed URLs have no such bound.
  assert.equal(loadConfig({ ...base, FILE_URL_TTL_SECONDS: String(30 * 24 * 3600) }).FILE_URL_TTL_SECONDS, 30 * 24 * 3600);
});

test('S3 credentials come in pairs; a bad public endpoint is named', () => {
  assert.throws(() => loadConfig({ ...s3, S3_ACCESS_KEY_ID: 'a' }), /S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both or neither/);
  assert.throws(() => loadConfig({ ...s3, S3_PUBLIC_ENDPOINT: 'not a url' }), /S3_PUBLIC_ENDPOINT/);
});
