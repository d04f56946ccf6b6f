/** Webhook endpoints, deliveries and events as the contract shows them (snake_case; never a secret but where asked). */
import type { DeliveryAttempt, EventSubject, WebhookEndpoint, WebhookEvent } from '../domain/webhooks.js';
import { presentCharacter } from './present.js';
import { presentImage } from './present-image.js';
import type { FileLinks } from './file-links.js';

export function presentWebhookEndpoint(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    object: 'webhook_endpoint' as const,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    metadata: endpoint.metadata,
    status: endpoint.status === 'deleted' ? ('disabled' as const) : endpoint.status,
    disabled_reason: endpoint.disabledReason,
    created_at: endpoint.createdAt,
    aurous_version: endpoint.aurousVersion,
  };
}

export function presentDelivery(attempt: DeliveryAttempt) {
  return {
    object: 'webhook_delivery' as const,
    event_id: attempt.eventId,
    event_type: attempt.eventType,
    attempt: attempt.attempt,
    created_at: attempt.at,
    response_status: attempt.status,
    error: attempt.error,
    duration_ms: attempt.durationMs,
  };
}

/** `data.object`: the resource as GET returned it when the event happened. */
async function presentSubject(subject: EventSubject, links: FileLinks, baseUrl: string): Promise<unknown> {
  switch (subject.kind) {
    case 'character':
      return presentCharacter(subject.character, links, baseUrl);
    case 'image':
      return presentImage(subject.image, links, baseUrl);
    case 'balance':
      return { object: 'balance', credits: subject.credits };
    case 'webhook_endpoint':
      return presentWebhookEndpoint(subject.endpoint);
  }
}

/** The envelope every receiver gets, serialized once: the signed bytes are these bytes on every attempt. */
export async function presentEvent(event: WebhookEvent, links: FileLinks, baseUrl: string): Promise<string> {
  return JSON.stringify({
    id: event.id,
    object: 'event',
    type: event.type,
    created_at: event.createdAt,
    aurous_version: event.aurousVersion,
    ...(event.synthetic ? { synthetic: true } : {}),
    data: { object: await presentSubject(event.subject, links, baseUrl) },
  });
}
