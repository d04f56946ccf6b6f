/**
 * The rate card of API version 2026-05-15, in credits: the one table that costs, estimates, the
 * OpenAPI text and `GET /v1/pricing` read.
 */
export const RATE_CARD = {
  character: { synthesize: 4, resynthesize: 4, regenerate: 1 },
  image: { '2k': 1, '4k': 2 },
} as const;

/** Credits per generated pose: every paid character call is priced by the poses it generates. */
export const CREDITS_PER_POSE = RATE_CARD.character.regenerate;

/** "1 credit", "4 credits". */
export function credits(amount: number): string {
  return `${amount} credit${amount === 1 ? '' : 's'}`;
}
