/** The rate-limit buckets of the contract (README, "Rate limits"), declared once; a deployment may override them. */
import { z } from 'zod';

export const BUCKET_NAMES = ['characters_get', 'characters_post', 'characters_synthesize', 'images_post', 'images_get', 'estimate_post', 'webhooks'] as const;
export type BucketName = (typeof BUCKET_NAMES)[number];

export interface BucketPolicy {
  sustainedPerMinute: number;
  burst: number;
}

export const DEFAULT_BUCKETS: Record<BucketName, BucketPolicy> = {
  characters_get: { sustainedPerMinute: 120, burst: 240 },
  characters_post: { sustainedPerMinute: 30, burst: 60 },
  characters_synthesize: { sustainedPerMinute: 6, burst: 12 },
  images_post: { sustainedPerMinute: 60, burst: 120 },
  images_get: { sustainedPerMinute: 600, burst: 1200 },
  estimate_post: { sustainedPerMinute: 120, burst: 240 },
  webhooks: { sustainedPerMinute: 10, burst: 10 },
};

const overrideSchema = z.partialRecord(
  z.enum(BUCKET_NAMES),
  z.strictObject({ sustained_per_minute: z.number().positive(), burst: z.number().int().positive() }),
);

/** Every bucket with the same policy: for benchmarks and tests that must not meet the limits. */
export function uniformBuckets(policy: BucketPolicy): Record<BucketName, BucketPolicy> {
  return Object.fromEntries(BUCKET_NAMES.map((name) => [name, policy])) as Record<BucketName, BucketPolicy>;
}

/** The `RATE_LIMITS` value that gives every bucket `policy`. */
export function uniformRateLimitsJson(policy: BucketPolicy): string {
  return JSON.stringify(Object.fromEntries(BUCKET_NAMES.map((name) => [name, { sustained_per_minute: policy.sustainedPerMinute, burst: policy.burst }])));
}

/** The table with a deployment's overrides, given as JSON: `{"characters_synthesize":{"sustained_per_minute":600,"burst":1000}}`. */
export function bucketsWith(overridesJson: string | undefined): Record<BucketName, BucketPolicy> {
  if (!overridesJson) return DEFAULT_BUCKETS;
  const overrides = overrideSchema.parse(JSON.parse(overridesJson));
  const table = { ...DEFAULT_BUCKETS };
  for (const [name, value] of Object.entries(overrides)) {
    if (value) table[name as BucketName] = { sustainedPerMinute: value.sustained_per_minute, burst: value.burst };
  }
  return table;
}
