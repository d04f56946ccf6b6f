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

export const SEARCH_ATTRIBUTES = [CharacterStatus, TeamId, CharacterName, ClientReferenceId, CharacterCreatedAt];
