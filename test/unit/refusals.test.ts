/** The contract's words for refusals and failures, as the workflows raise them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RATE_CARD, credits } from '../../domain/pricing.js';
import { characterNotFound, generationFailedMessage, insufficientCredits, ledgerUnavailable } from '../../domain/refusals.js';
import { costOf } from '../../domain/transitions.js';

describe('refusals', () => {
  test('insufficient credits names the cost, the balance and the fix', () => {
    assert.deepEqual(insufficientCredits(4, 3), {
      code: 'insufficient_credits',
      message: 'This call costs 4 credits and your team has 3. Add credits, then retry.',
    });
    assert.match(insufficientCredits(1, 0).message, /costs 1 credit and/);
  });

  test('an unanswered ledger is a 503 that says nothing was charged', () => {
    const refusal = ledgerUnavailable('timed out');
    assert.equal(refusal.code, 'backend_unavailable');
    assert.match(refusal.message, /\(timed out\)\. Nothing was charged; retry shortly\./);
  });

  test('a missing character is a 404 on the id', () => {
    assert.deepEqual(characterNotFound(), { code: 'resource_not_found', message: 'No such character.', param: 'id' });
  });

  test('a failed generation lists each failed pose with its cause, and says the credits came back', () => {
    assert.equal(
      generationFailedMessage([
        { pose: 'side', message: 'model refused' },
        { pose: 'back', message: 'timeout' },
      ]),
      'Generation failed for side (model refused); back (timeout). Credits for the failed poses were refunded; regenerate or resynthesize to try again.',
    );
  });
});

describe('the rate card', () => {
  test('character actions cost what the card says', () => {
    assert.equal(costOf('create'), RATE_CARD.character.synthesize);
    assert.equal(costOf('resynthesize'), RATE_CARD.character.resynthesize);
    assert.equal(costOf('regenerateRef', 'front'), RATE_CARD.character.regenerate);
    assert.equal(costOf('save'), 0);
  });

  test('credits read as English', () => {
    assert.equal(credits(1), '1 credit');
    assert.equal(credits(4), '4 credits');
  });
});
