/**
 * One workflow per image generation (id = the image id); its history is the generation's audit
 * trail. Table of contents: messages wired to `ImageEntity` (workflows/image/), then the run.
 */
import { allHandlersFinished, condition, setHandler, sleep } from '@temporalio/workflow';
import type { ImageGeneration, ImageSeed } from '../domain/images.js';
import * as messages from '../domain/messages.js';
import { ImageEntity } from './image/entity.js';

const FINISHED_GRACE = '1 minute';

export interface ImageWorkflowInput {
  seed: ImageSeed;
}

export async function imageWorkflow(input: ImageWorkflowInput): Promise<ImageGeneration> {
  const image = new ImageEntity(input.seed);

  setHandler(messages.getImage, () => image.record);
  setHandler(messages.submitImage, () => image.submit(), { validator: (c) => image.validateSubmit(c) });
  setHandler(messages.cancelImage, (c) => image.cancel(c), { validator: (c) => image.validateCancel(c) });

  await condition(() => image.submitted);
  await image.run();
  // Open a while longer: a cancel racing the end is answered here, and the workflow never
  // completes in the task that answers an Update (the server would refuse that completion when
  // other events arrive meanwhile, failing the Update). Then the record stays readable by describe.
  await sleep(FINISHED_GRACE);
  await condition(() => allHandlersFinished() && image.events.settled);
  return image.record;
}
