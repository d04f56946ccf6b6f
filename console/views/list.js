// The team's characters, newest first, a page at a time, with live status: the page is re-read
// every 2 s and each card is updated in place, so focus and scroll stay where they were.
import { api } from '../api.js';
import { STATUSES } from '../contract.js';
import { h, setImage, when } from '../dom.js';
import { navigate, poll } from '../shell.js';

const PAGE = 12;

export function characterList(main, query = '') {
  const status = new URLSearchParams(query).get('status') ?? '';
  const cursors = [undefined]; // starting_after of each page seen, for "Previous"
  const cards = new Map();
  const grid = h('ul', { class: 'cards', 'aria-label': 'Characters' });
  const empty = h('p', { class: 'muted', hidden: true }, status ? `No ${status} characters.` : 'No characters yet: create one.');
  const prev = h('button', { type: 'button', disabled: true, onclick: () => page(-1) }, 'Previous page');
  const next = h('button', { type: 'button', disabled: true, onclick: () => page(+1) }, 'Next page');
  let nextCursor = null;

  const filter = h('select', { id: 'status-filter', onchange: (e) => navigate(e.target.value ? `#/characters?status=${e.target.value}` : '#/characters') },
    h('option', { value: '' }, 'All statuses'),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)));

  main.append(
    h('div', { class: 'heading' }, h('h1', {}, 'Characters'), h('a', { class: 'button primary', href: '#/new' }, 'New character')),
    h('div', { class: 'toolbar' }, h('label', { for: 'status-filter' }, 'Status'), filter),
    grid,
    empty,
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, next),
  );

  async function load() {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (status) params.set('status', status);
    if (cursors.at(-1)) params.set('starting_after', cursors.at(-1));
    const list = await api('GET', `/v1/characters?${params}`);
    render(list.data);
    nextCursor = list.next_cursor;
    next.disabled = !list.has_more;
    prev.disabled = cursors.length === 1;
  }

  function render(characters) {
    for (const [id, card] of cards) if (!characters.some((c) => c.id === id)) (card.remove(), cards.delete(id));
    characters.forEach((character, index) => {
      const card = cards.get(character.id) ?? makeCard(character);
      cards.set(character.id, card);
      card.update(character);
      if (grid.children[index] !== card) grid.insertBefore(card, grid.children[index] ?? null);
    });
    empty.hidden = characters.length > 0;
  }

  let stop = poll(load, 2000);
  function page(step) {
    if (step > 0) cursors.push(nextCursor);
    else cursors.pop();
    stop();
    stop = poll(load, 2000);
  }
  return () => stop();
}

function makeCard(character) {
  const img = h('img', { alt: '', loading: 'lazy' });
  const name = h('span', { class: 'name' });
  const badge = h('span', { class: 'status' });
  const created = h('span', { class: 'muted' });
  const card = h('li', { class: 'card character', 'data-id': character.id },
    h('a', { href: `#/characters/${character.id}` }, h('div', { class: 'frame' }, img), h('div', { class: 'meta' }, name, badge, created)));
  card.update = (c) => {
    name.textContent = c.name;
    badge.textContent = c.status;
    badge.dataset.status = c.status;
    created.textContent = `created ${when(c.created_at)}`;
    if (c.refs[0]) setImage(img, c.refs[0].url);
    img.hidden = !c.refs[0];
  };
  return card;
}
