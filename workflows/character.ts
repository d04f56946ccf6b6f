/**
 * One long-lived workflow per character (id = the character id); its history is the audit trail.
 * Table of contents: each message wired to a `CharacterEntity` method (workflows/character/), then
 * a main loop that runs queued generations and continues-as-new when Temporal suggests it.
 */
import { allHandlersFinished, condition, makeContinueAsNewFunc, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Character } from '../domain/character.js';
import * as messages from '../domain/messages.js';
import { CharacterEntity } from './character/entity.js';
import type { CharacterWorkflowInput } from './character/state.js';

export type { CharacterWorkflowInput, CharacterWorkflowState } from './character/state.js';

/** How long a deleted character's workflow stays open, so a retried delete still gets its answer. */
const DELETED_GRACE = '24 hours';

export async function characterWorkflow(input: CharacterWorkflowInput): Promise<Character> {
  const entity = new CharacterEntity(input);
  if ('state' in input) entity.publish();

  setHandler(messages.getCharacter, () => entity.character);
  setHandler(messages.getAccounting, () => ({ teamId: entity.character.teamId, delivered: entity.state.delivered ?? 0 }));
  setHandler(messages.createCharacter, (c) => entity.create(c), { validator: (c) => entity.validate('create', c) });
  setHandler(messages.createFromUploads, (i) => entity.createFromUploads(i), { validator: (i) => entity.validate('createFromUploads', i) });
  setHandler(messages.regenerateRef, (i) => entity.regenerateRef(i), { validator: (i) => entity.validate('regenerateRef', i) });
  setHandler(messages.resynthesize, (c) => entity.resynthesize(c), { validator: (c) => entity.validate('resynthesize', c) });
  setHandler(messages.save, (c) => entity.save(c), { validator: (c) => entity.validate('save', c) });
  setHandler(messages.update, (i) => entity.update(i), { validator: (i) => entity.validate('update', i) });
  setHandler(messages.deleteCharacter, (c) => entity.delete(c), { validator: (c) => entity.validate('delete', c) });
  setHandler(messages.useInImage, (i) => entity.useInImage(i), { validator: (i) => entity.validate('useInImage', i) });

  for (;;) {
    await condition(() => entity.done || entity.state.generation !== null || workflowInfo().continueAsNewSuggested);
    if (entity.done) break;
    if (entity.state.generation) {
      await entity.generations.run();
      continue;
    }
    // Continue-as-new only between transitions: a handler still running would be dropped. A
    // transition that queues a generation meanwhile wins: the loop runs it first.
    await condition(() => (allHandlersFinished() && entity.idle) || entity.state.generation !== null || entity.done);
    if (entity.state.generation || entity.done) continue;
    entity.appliedUpdates.forgetOld();
    // The next run starts with the memo, so GET finds the character between the two runs.
    await makeContinueAsNewFunc<typeof characterWorkflow>({ memo: { character: entity.character } })({ state: entity.state });
  }
  if (entity.character.status === 'deleted') await sleep(DELETED_GRACE);
  await condition(() => allHandlersFinished() && entity.events.settled);
  return entity.character;
}
