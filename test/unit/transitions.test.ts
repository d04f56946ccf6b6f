import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Action, costOf, landingStatus, purgesImagesOnDelete, refundFor, refusalFor, settledStatus } from '../../domain/transitions.js';
import type { Lifecycle } from '../../domain/character.js';

const statuses: Lifecycle[] = ['synthesizing', 'reviewing', 'ready', 'failed'];
const allowed = (action: Action) => statuses.filter((s) => refusalFor(action, s) === null);

describe('the status machine', () => {
  test('regenerate and resynthesize are allowed from reviewing, ready and failed only', () => {
    assert.deepEqual(allowed('regenerateRef'), ['reviewing', 'ready', 'failed']);
    assert.deepEqual(allowed('resynthesize'), ['reviewing', 'ready', 'failed']);
  });

  test('save is allowed from reviewing and ready; synthesizing and failed are invalid_state', () => {
    assert.deepEqual(allowed('save'), ['reviewing', 'ready']);
    assert.equal(refusalFor('save', 'synthesizing')?.code, 'invalid_state');
    assert.equal(refusalFor('save', 'failed')?.code, 'invalid_state');
  });

  test('update and delete are allowed in every status but deleted', () => {
    assert.deepEqual(allowed('update'), statuses);
    assert.deepEqual(allowed('delete'), statuses);
  });

  test('every call on a deleted, rejected or not yet created character is not found', () => {
    for (const action of ['regenerateRef', 'resynthesize', 'save', 'update', 'delete'] as Action[]) {
      for (const status of ['deleted', 'rejected', 'new'] as Lifecycle[]) assert.equal(refusalFor(action, status)?.code, 'resource_not_found');
    }
    assert.equal(refusalFor('create', 'new'), null);
    assert.equal(refusalFor('create', 'reviewing')?.code, 'invalid_state');
  });

  test('an invalid_state message names the status and how to get out of it', () => {
    assert.match(refusalFor('save', 'synthesizing')!.message, /status is synthesizing.*Poll/);
  });

  test('costs: create 4, resynthesize 4, regenerate 1, everything else 0', () => {
    assert.equal(costOf('create'), 4);
    assert.equal(costOf('resynthesize'), 4);
    assert.equal(costOf('regenerateRef', 'front'), 1);
    assert.equal(costOf('save'), 0);
    assert.equal(costOf('update'), 0);
    assert.equal(costOf('delete'), 0);
  });

  test('a generation from ready lands in ready; from reviewing, failed or a new character in reviewing', () => {
    assert.equal(landingStatus('ready'), 'ready');
    assert.equal(landingStatus('reviewing'), 'reviewing');
    assert.equal(landingStatus('failed'), 'reviewing');
    assert.equal(landingStatus('new'), 'reviewing');
  });

  test('any pose that finally fails makes the character failed, wherever it started', () => {
    assert.equal(settledStatus('ready', ['side']), 'failed');
    assert.equal(settledStatus('ready', []), 'ready');
  });

  test('refunds pay back one credit per pose that was not delivered', () => {
    assert.equal(refundFor([]), 0);
    assert.equal(refundFor(['side', 'back']), 2);
  });

  test('only a reviewing character is hard-deleted', () => {
    assert.deepEqual(
      statuses.filter((s) => purgesImagesOnDelete(s)),
      ['reviewing'],
    );
  });
});
