/**
 * One workflow per upload ticket (id = the upload id), alive for the ticket's lifetime and then gone:
 * its own timer forgets it, deleting bytes no character adopted. Table of contents: the messages
 * wired to `UploadEntity` (workflows/upload/), then the lifetime.
 */
import { allHandlersFinished, condition, setHandler, sleep } from '@temporalio/workflow';
import * as messages from '../domain/messages.js';
import type { UploadTicket } from '../domain/uploads.js';
import { UploadEntity } from './upload/entity.js';

export interface UploadWorkflowInput {
  ticket: UploadTicket;
  lifetimeMs: number;
}

export async function uploadWorkflow(input: UploadWorkflowInput): Promise<UploadTicket> {
  const upload = new UploadEntity(input.ticket);

  setHandler(messages.getUpload, () => upload.ticket);
  setHandler(messages.recordUpload, (i) => upload.record(i), { validator: (i) => upload.validateRecord(i) });
  setHandler(messages.classifyUpload, () => upload.classify(), { validator: (c) => upload.validateClassify(c) });
  setHandler(messages.consumeUpload, (c) => upload.consume(c), { validator: (c) => upload.validateConsume(c) });
  setHandler(messages.releaseUpload, (c) => upload.release(c));

  await sleep(input.lifetimeMs);
  await condition(allHandlersFinished);
  if (!upload.consumed) await upload.expire();
  return upload.ticket;
}
