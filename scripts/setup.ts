/**
 * `npm run setup`: prepares an existing Temporal cluster (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) for
 * this project: registers the custom search attributes that are missing, and with BLOB_STORE=s3
 * makes the bucket if it is missing. Safe to run any number of times.
 */
import { Connection } from '@temporalio/client';
import { blobStoreFromConfig } from '../activities/blobs/from-config.js';
import { S3BlobStore } from '../activities/blobs/s3.js';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes.js';
import { loadConfig } from '../platform/config.js';
import { registerSearchAttributes } from '../platform/temporal-setup.js';

const config = loadConfig();
try {
  const connection = await Connection.connect({ address: config.temporalAddress });
  const added = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  console.log(JSON.stringify({ namespace: config.TEMPORAL_NAMESPACE, registered: added, already_present: SEARCH_ATTRIBUTES.map((k) => k.name).filter((n) => !added.includes(n)) }));
  await connection.close();
  const blobs = blobStoreFromConfig(config);
  if (blobs instanceof S3BlobStore) {
    await blobs.ensureBucket();
    blobs.close();
    console.log(JSON.stringify({ bucket: config.S3_BUCKET, endpoint: config.S3_ENDPOINT ?? 'aws', ready: true }));
  }
} catch (err) {
  console.error(`setup failed against ${config.temporalAddress}: ${(err as Error).message}`);
  process.exit(1);
}
