/** The character as the workflow holds it. Shared by api/, workflows/ and activities/: no Node-only imports. */
import type { Attributes } from './attributes.js';

export type { Attributes };

export const POSES = ['portrait', 'front', 'side', 'back', 'other'] as const;
export type Pose = (typeof POSES)[number];

/** The poses a synthesis (create or resynthesize) generates, in synthesis order. */
export const SYNTHESIS_POSES: readonly Pose[] = ['portrait', 'front', 'side', 'back'];

export const STATUSES = ['synthesizing', 'reviewing', 'ready', 'failed', 'deleted'] as const;
export type Status = (typeof STATUSES)[number];

/** The statuses a client can see and list: a deleted character answers 404. */
export const VISIBLE_STATUSES = ['synthesizing', 'reviewing', 'ready', 'failed'] as const satisfies readonly Status[];
export type VisibleStatus = (typeof VISIBLE_STATUSES)[number];

export function isVisible(status: Lifecycle): status is VisibleStatus {
  return (VISIBLE_STATUSES as readonly string[]).includes(status);
}

/**
 * `new`: the workflow exists but its create has not been paid for yet.
 * `rejected`: the create was refused (insufficient credits); the character never existed for the client.
 */
export type Lifecycle = Status | 'new' | 'rejected';

/** A generated image as history sees it: a pointer into the blob store, never the bytes. */
export interface ImageRecord {
  key: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface Ref extends ImageRecord {
  pose: Pose;
  seed: number;
  generatedAt: string;
}

export interface Character {
  id: string;
  teamId: string;
  name: string;
  status: Lifecycle;
  refs: Ref[];
  createdAt: string;
  updatedAt: string;
  clientReferenceId: string | null;
  attributes: Attributes | null;
  errorMessage: string | null;
  aurousVersion: string;
  /** Made from the client's own images: its refs keep the order they were given in. */
  fromUploads?: boolean;
}

/** What starts a character workflow: everything the create request decided. */
export interface CharacterSeed {
  id: string;
  teamId: string;
  name: string;
  attributes: Attributes | null;
  clientReferenceId: string | null;
  aurousVersion: string;
  createdAt: string;
}

export function sortRefs(refs: Ref[]): Ref[] {
  return [...refs].sort((a, b) => POSES.indexOf(a.pose) - POSES.indexOf(b.pose));
}

/** The prompt an inference backend receives, derived from the identity attributes. */
export function describeCharacter(attributes: Attributes | null, pose: Pose, promptOverride?: string): string {
  const a = attributes ?? {};
  const who = [a.age !== undefined ? `${a.age}-year-old` : null, a.ethnicity, a.gender, a.body_type ? `${a.body_type} build` : null]
    .filter(Boolean)
    .join(' ');
  const hair = a.hair_color || a.hair_style ? `${[a.hair_style, a.hair_color].filter(Boolean).join(' ')} hair` : null;
  const eyes = a.eye_color ? `${a.eye_color} eyes` : null;
  const framing: Record<Pose, string> = {
    portrait: 'head-and-shoulders portrait',
    front: 'full body, facing the camera',
    side: 'full body, in profile',
    back: 'full body, seen from behind',
    other: 'full body, three-quarter view',
  };
  const parts = [
    `Character reference sheet, ${framing[pose]}`,
    who ? `of a ${who}` : null,
    hair,
    eyes,
    a.additional_details ?? null,
    'plain neutral background',
    promptOverride ?? null,
  ];
  return parts.filter(Boolean).join('; ');
}
