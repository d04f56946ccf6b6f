/**
 * The webhook events of an image generation, in one place: its terminal status records
 * image.completed, image.failed or image.cancelled in the same workflow task, for the team's
 * endpoints and for the generation's own `webhook_url`.
 */
import type { ImageGeneration, ImageLifecycle } from '../../domain/images.js';
import { imageEventFor } from '../../domain/webhooks.js';
import { WebhookEvents } from '../webhook-events.js';

export class ImageEvents extends WebhookEvents {
  private lastStatus: ImageLifecycle | null = null;

  observe(image: ImageGeneration): void {
    const type = this.lastStatus === null ? null : imageEventFor(this.lastStatus, image.status);
    this.lastStatus = image.status;
    if (type) this.record({ type, teamId: image.teamId, aurousVersion: image.aurousVersion, subject: { kind: 'image', image }, audience: { webhookUrl: image.webhookUrl } });
  }
}
