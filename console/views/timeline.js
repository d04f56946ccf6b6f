// The audit trail as a timeline, newest first: what happened, when, by which request, credits moved.
import { api } from '../api.js';
import { h, when } from '../dom.js';

const LABELS = {
  'character.created': 'Created',
  'character.pose_generated': 'Pose generated',
  'character.pose_failed': 'Pose failed',
  'character.pose_cancelled': 'Pose cancelled',
  'character.saved': 'Approved',
  'character.ref_regenerated': 'Pose regeneration requested',
  'character.resynthesized': 'Resynthesis requested',
  'character.updated': 'Edited',
  'character.deleted': 'Deleted',
  'character.used_in_image': 'Used in an image generation',
  'credits.debited': 'Credits debited',
  'credits.refunded': 'Credits refunded',
};

/** Every event of the character, oldest first, following the cursor. */
export async function characterEvents(id) {
  const events = [];
  let cursor;
  do {
    const page = await api('GET', `/v1/characters/${id}/events?limit=100${cursor ? `&starting_after=${cursor}` : ''}`);
    events.push(...page.data);
    cursor = page.has_more ? page.next_cursor : null;
  } while (cursor);
  return events;
}

function details(event) {
  const d = event.data ?? {};
  const parts = [];
  if (d.pose) parts.push(`pose ${d.pose}`);
  if (d.attempt > 1) parts.push(`attempt ${d.attempt}`);
  if (d.prompt_override) parts.push(`prompt “${d.prompt_override}”`);
  if (d.fields) parts.push(d.fields.join(' and '));
  if (d.image_id) parts.push(d.image_id);
  if (d.message) parts.push(d.message);
  if (event.type === 'credits.debited') parts.push(`−${d.amount}, balance ${d.balance_after}`);
  if (event.type === 'credits.refunded') parts.push(`+${d.amount ?? '?'}, balance ${d.balance_after}`);
  return parts.join(' · ');
}

export function timeline(events) {
  return h('ol', { class: 'timeline' }, [...events].reverse().map((event) =>
    h('li', { 'data-type': event.type },
      h('time', { dateTime: event.created_at }, when(event.created_at)),
      h('span', { class: 'what' }, LABELS[event.type] ?? event.type),
      h('span', { class: 'details' }, details(event)),
      event.request_id ? h('code', { class: 'muted' }, event.request_id) : null)));
}
