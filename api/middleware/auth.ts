/**
 * `X-Api-Key` → team. Lookups are cached per process for `ttlMs`, so a revoked key stops working
 * on every replica within that time plus one second, without a query per request. One lookup per
 * key is in flight at a time: when an entry has just expired under load, the first request
 * refreshes it in the background and the others keep the answer they had for up to a second,
 * instead of all querying Temporal at once (at 32 connections, 64 queries per expiry).
 */
import type { RequestHandler } from 'express';
import type { Tenancy } from '../use-cases/tenancy.js';
import { hashApiKey } from '../use-cases/tenancy.js';
import { API_KEY_PREFIX } from '../../domain/ids.js';
import { localsOf } from '../context.js';
import { ApiError } from '../errors.js';
import { resolveVersion } from './version.js';

interface Identity {
  teamId: string | null;
  versionPin: string | null;
}

interface Cached {
  identity: Identity | null;
  expires: number;
  refreshing: Promise<Identity> | null;
}

const MAX_ENTRIES = 10_000;
const STALE_GRACE_MS = 1000;

const invalidKey = () =>
  new ApiError(401, 'invalid_api_key', `Missing or invalid API key. Send your team key in the X-Api-Key header (it starts with ${API_KEY_PREFIX}).`, 'X-Api-Key');

/** The middleware, and a way to wait for the lookups it runs in the background (before closing the Temporal connection). */
export type Authenticate = RequestHandler & { drain(): Promise<void> };

export function authenticate(tenancy: Tenancy, ttlMs = 5000): Authenticate {
  const cache = new Map<string, Cached>();
  const pending = new Set<Promise<Identity>>();

  const lookup = async (key: string): Promise<Identity> => {
    const record = await tenancy.resolveKey(key);
    const team = record ? await tenancy.team(record.teamId) : null;
    return { teamId: record?.teamId ?? null, versionPin: team?.version ?? null };
  };

  const refresh = (key: string, entry: Cached): Promise<Identity> => {
    if (!entry.refreshing) {
      const refreshing: Promise<Identity> = lookup(key)
        .then((identity) => {
          entry.identity = identity;
          entry.expires = Date.now() + ttlMs;
          return identity;
        })
        .finally(() => {
          entry.refreshing = null;
          pending.delete(refreshing);
        });
      entry.refreshing = refreshing;
      pending.add(refreshing);
    }
    return entry.refreshing;
  };

  const middleware: RequestHandler = async (req, res, next) => {
    const key = req.get('X-Api-Key');
    if (!key || key.length > 200) throw invalidKey();
    const hash = hashApiKey(key);
    let entry = cache.get(hash);
    if (!entry) {
      if (cache.size >= MAX_ENTRIES) cache.clear();
      entry = { identity: null, expires: 0, refreshing: null };
      cache.set(hash, entry);
    }
    let identity = entry.identity;
    const now = Date.now();
    if (!identity || now >= entry.expires + Math.min(ttlMs, STALE_GRACE_MS)) {
      // Never known, or stale beyond the grace: wait for the (shared) lookup.
      identity = await refresh(key, entry);
    } else if (now >= entry.expires) {
      // Expired recently: answer with what we know and refresh once in the background.
      refresh(key, entry).catch(() => undefined);
    }
    if (!identity.teamId) throw invalidKey();
    localsOf(res).teamId = identity.teamId;
    resolveVersion(req, res, identity.versionPin);
    next();
  };
  return Object.assign(middleware, {
    async drain() {
      await Promise.allSettled([...pending]);
    },
  });
}
