/**
 * Publishes a character where readers find it without a worker: its memo (GET reads it through
 * describe), its search attributes (the list route and the Temporal UI filter on them) and the
 * UI's current-details line. Called in the workflow task of every change.
 */
import { setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { Character } from '../../domain/character.js';
import { CharacterName, CharacterStatus } from '../../domain/search-attributes.js';

export class Publication {
  private published = '';
  /** What the search attributes say now: they are upserted only when one of them changes. */
  private indexed: Pick<Character, 'status' | 'name'> | null = null;

  publish(character: Character): void {
    const memo = JSON.stringify(character);
    if (memo === this.published) return;
    this.published = memo;
    if (this.indexed?.status !== character.status || this.indexed?.name !== character.name) {
      this.indexed = { status: character.status, name: character.name };
      upsertSearchAttributes([
        { key: CharacterStatus, value: character.status },
        { key: CharacterName, value: character.name },
      ]);
    }
    upsertMemo({ character });
    // Shown in the Temporal UI beside the history: where the character stands, in a line.
    setCurrentDetails(`**${character.name}** is ${character.status}; refs: ${character.refs.map((r) => r.pose).join(', ') || 'none yet'}`);
  }
}
