/** The bare Temporal baselines: workflows that run four renders in parallel, nothing else. */
import { proxyActivities } from '@temporalio/workflow';
import type { ImageRecord, Pose } from '../../domain/character.js';
import type { baselineActivities } from './baseline-worker.js';

const { renderPose, renderImage } = proxyActivities<ReturnType<typeof baselineActivities>>({ startToCloseTimeout: '1 minute' });

export async function baselineCharacter(id: string): Promise<ImageRecord[]> {
  return Promise.all((['portrait', 'front', 'side', 'back'] as Pose[]).map((pose, i) => renderPose(id, pose, i + 1)));
}

/** Four 1024×1024 scenes, as an image generation of count 4 renders them. */
export async function baselineImage(id: string): Promise<ImageRecord[]> {
  return Promise.all([0, 1, 2, 3].map((i) => renderImage(id, i)));
}
