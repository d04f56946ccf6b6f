/** The character resource as the contract shows it (the `Character` schema of /openapi.json): snake_case, signed ref URLs. */
import type { Character, Status } from '../domain/character.js';
import type { FileLinks } from './file-links.js';

export interface CharacterResource {
  id: string;
  object: 'character';
  name: string;
  status: Status;
  refs: { pose: string; url: string }[];
  created_at: string;
  updated_at: string;
  client_reference_id: string | null;
  attributes: Character['attributes'];
  error_message: string | null;
  aurous_version: string;
}

export async function presentCharacter(character: Character, links: FileLinks, baseUrl: string): Promise<CharacterResource> {
  return {
    id: character.id,
    object: 'character',
    name: character.name,
    status: character.status as Status,
    refs: await Promise.all(character.refs.map(async (ref) => ({ pose: ref.pose, url: await links.link(ref.key, baseUrl) }))),
    created_at: character.createdAt,
    updated_at: character.updatedAt,
    client_reference_id: character.clientReferenceId,
    attributes: character.attributes,
    error_message: character.errorMessage,
    aurous_version: character.aurousVersion,
  };
}
