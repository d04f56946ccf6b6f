// One character: its poses large, per-pose regenerate, resynthesize, approve, edit, delete, and the
// audit trail. The character is re-read every 1.5 s; the trail when the character changed.
import { api } from '../api.js';
import { RATE_CARD, SYNTHESIS_POSES } from '../contract.js';
import { field, h, when } from '../dom.js';
import { action, navigate, poll } from '../shell.js';
import { attributeFields } from './attributes.js';
import { poseGrid } from './poses.js';
import { characterEvents, timeline } from './timeline.js';

/** The poses a running generation is making, from the trail's last generation request. */
function posesInProgress(events) {
  const last = events.findLast((e) => ['character.created', 'character.resynthesized', 'character.ref_regenerated'].includes(e.type));
  return new Set(last?.type === 'character.ref_regenerated' ? [last.data.pose] : SYNTHESIS_POSES);
}

export function characterPage(main, id) {
  let character = null;
  let seen = '';
  let busy = new Set();
  const title = h('h1', {}, 'Character');
  const badge = h('span', { class: 'status' });
  const meta = h('p', { class: 'muted' });
  const failure = h('p', { class: 'error', hidden: true });
  const actions = h('div', { class: 'actions' });
  const trail = h('section', { class: 'card', 'aria-labelledby': 'trail-title' }, h('h2', { id: 'trail-title' }, 'Audit trail'));
  const edit = h('details', { class: 'card' }, h('summary', {}, 'Rename or edit attributes'));
  const poses = poseGrid(action(async (_e, pose, promptOverride) => {
    busy = new Set([pose]);
    show(await api('POST', `/v1/characters/${id}/refs/regenerate`, { pose, ...(promptOverride ? { prompt_override: promptOverride } : {}) }));
  }));
  const dialog = confirmDelete(id);

  main.append(h('div', { class: 'heading' }, h('div', {}, title, badge)), meta, failure, actions, poses.grid, edit, trail, dialog);

  function show(next) {
    character = next;
    title.textContent = character.name;
    badge.textContent = character.status;
    badge.dataset.status = character.status;
    meta.textContent = `${character.id} · created ${when(character.created_at)} · updated ${when(character.updated_at)}`;
    failure.hidden = !character.error_message;
    failure.textContent = character.error_message ?? '';
    poses.update(character, busy);
    renderActions();
  }

  let actionsFor = '';
  function renderActions() {
    const status = character.status;
    // Only on a change of status: replacing the buttons every poll would take keyboard focus away.
    if (status === actionsFor) return;
    actionsFor = status;
    const settled = status !== 'synthesizing';
    actions.replaceChildren(...[
      status === 'reviewing' ? h('button', { type: 'button', class: 'primary', onclick: action(async () => show(await api('POST', `/v1/characters/${id}/save`))) }, 'Approve') : null,
      status === 'ready' ? h('a', { class: 'button primary', href: `#/characters/${id}/try` }, 'Try it') : null,
      h('button', { type: 'button', disabled: !settled, onclick: action(async () => { busy = new Set(SYNTHESIS_POSES); show(await api('POST', `/v1/characters/${id}/resynthesize`)); }) }, `Resynthesize all (${RATE_CARD.character.resynthesize} credits)`),
      h('button', { type: 'button', class: 'danger', onclick: () => dialog.showModal() }, 'Delete…'),
    ].filter(Boolean));
  }

  function renderEdit() {
    const name = h('input', { id: 'edit-name', type: 'text', required: true, maxLength: 80, value: character.name });
    const attributes = attributeFields('edit', character.attributes);
    edit.replaceChildren(edit.firstChild, h('form', {
      class: 'stack',
      onsubmit: action(async () => show(await api('PATCH', `/v1/characters/${id}`, { name: name.value.trim(), attributes: attributes.read() }))),
    }, field('edit-name', 'Name', name), attributes.fields, h('button', { type: 'submit' }, 'Save changes')));
  }

  async function refresh() {
    const next = await api('GET', `/v1/characters/${id}`);
    const changed = `${next.status}/${next.updated_at}/${next.refs.map((r) => r.url.split('?')[0]).join()}`;
    if (changed === seen) return show(next);
    const first = !seen;
    seen = changed;
    const events = await characterEvents(id);
    // The trail says which poses run after a reload; a click in this tab already said it.
    if (next.status === 'synthesizing' && (first || busy.size === 0)) busy = posesInProgress(events);
    if (next.status !== 'synthesizing') busy = new Set();
    show(next);
    if (first) renderEdit();
    trail.replaceChildren(trail.firstChild, timeline(events));
  }

  return poll(refresh, 1500);
}

function confirmDelete(id) {
  const dialog = h('dialog', { 'aria-labelledby': 'delete-title' },
    h('h2', { id: 'delete-title' }, 'Delete this character?'),
    h('p', {}, 'It disappears from the list and every route answers 404 for it. This cannot be undone.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', autofocus: true, onclick: () => dialog.close() }, 'Cancel'),
      h('button', { type: 'button', class: 'danger', onclick: action(async () => { await api('DELETE', `/v1/characters/${id}`); dialog.close(); navigate('#/'); }) }, 'Delete')));
  return dialog;
}
