/** The character resource as the contract shows it (the `Character` schema of /openapi.json): snake_case, signed ref URLs. */
import type { Character, Status } from '../domain/character.js';
import type { UrlSigner } from './signing.js';

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

export function presentCharacter(character: Character, signer: UrlSigner, baseUrl: string): CharacterResource {
  return {
    id: character.id,
    object: 'character',
    name: character.name,
    status: character.status as Status,
    refs: character.refs.map((ref) => ({ pose: ref.pose, url: `${baseUrl}${signer.sign(ref.key)}` })),
    created_at: character.createdAt,
    updated_at: character.updatedAt,
    client_reference_id: character.clientReferenceId,
    attributes: character.attributes,
    error_message: character.errorMessage,
    aurous_version: character.aurousVersion,
  };
}
