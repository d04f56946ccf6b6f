/** Mints fresh ids (Node only: workflows never mint ids, they receive them). */
import { decodeTime, monotonicFactory, ulid } from 'ulid';
import { IDEMPOTENT_UPDATE_PREFIX, type IdKind, idOf, ulidIn } from './ids.js';

let monotonic: ReturnType<typeof monotonicFactory> | undefined;

/** A new id of `kind`; time-ordered, so ids sort by creation within one process. */
export function newId(kind: IdKind): string {
  monotonic ??= monotonicFactory();
  return idOf(kind, monotonic());
}

/** A fresh Update id for an idempotent request. */
export function newIdempotentUpdateId(): string {
  return `${IDEMPOTENT_UPDATE_PREFIX}${ulid()}`;
}

/** When an id of `kind` was minted, from the time its ULID encodes (ISO 8601). */
export function mintedAt(kind: IdKind, id: string): string {
  return new Date(decodeTime(ulidIn(kind, id))).toISOString();
}
