/**
 * The webhook events of a character, in one place: each published change is compared with the
 * status last seen, and a generation that lands (reviewing, ready, failed) or a deletion records
 * its event in the same workflow task.
 */
import type { Character, Lifecycle } from '../../domain/character.js';
import { characterEventFor } from '../../domain/webhooks.js';
import { WebhookEvents } from '../webhook-events.js';

export class CharacterEvents extends WebhookEvents {
  private lastStatus: Lifecycle;

  constructor(character: Character) {
    super();
    this.lastStatus = character.status;
  }

  observe(character: Character): void {
    const type = characterEventFor(this.lastStatus, character.status);
    this.lastStatus = character.status;
    if (type) this.record({ type, teamId: character.teamId, aurousVersion: character.aurousVersion, subject: { kind: 'character', character } });
  }
}
