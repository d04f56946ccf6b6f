/**
 * Custom search attributes: what an operator filters on in the Temporal UI and what the list route
 * queries. Registered idempotently at start-up (platform/temporal-setup.ts).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CharacterStatus = defineSearchAttributeKey('CharacterStatus', SearchAttributeType.KEYWORD);
export const TeamId = defineSearchAttributeKey('TeamId', SearchAttributeType.KEYWORD);
export const CharacterName = defineSearchAttributeKey('CharacterName', SearchAttributeType.KEYWORD);
export const ClientReferenceId = defineSearchAttributeKey('ClientReferenceId', SearchAttributeType.KEYWORD);
export const CharacterCreatedAt = defineSearchAttributeKey('CharacterCreatedAt', SearchAttributeType.DATETIME);

// Image generations: an operator filters them by team, status and the character they use.
export const ImageStatus = defineSearchAttributeKey('ImageStatus', SearchAttributeType.KEYWORD);
export const CharacterId = defineSearchAttributeKey('CharacterId', SearchAttributeType.KEYWORD);
export const ImageCreatedAt = defineSearchAttributeKey('ImageCreatedAt', SearchAttributeType.DATETIME);

/** 6 Keyword and 2 Datetime attributes: the SQLite visibility store allows 10 and 3 per namespace. */
export const SEARCH_ATTRIBUTES = [CharacterStatus, TeamId, CharacterName, ClientReferenceId, CharacterCreatedAt, ImageStatus, CharacterId, ImageCreatedAt];
