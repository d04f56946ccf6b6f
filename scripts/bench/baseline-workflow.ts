/** The bare Temporal baseline: a workflow that runs four pose activities in parallel, nothing else. */
import { proxyActivities } from '@temporalio/workflow';
import type { ImageRecord, Pose } from '../../domain/character.js';
import type { baselineActivities } from './baseline-worker.js';

const { renderPose } = proxyActivities<ReturnType<typeof baselineActivities>>({ startToCloseTimeout: '1 minute' });

export async function baselineCharacter(id: string): Promise<ImageRecord[]> {
  return Promise.all((['portrait', 'front', 'side', 'back'] as Pose[]).map((pose, i) => renderPose(id, pose, i + 1)));
}
