// Create a character: synthesized from a name and attributes, or made from dropped images through
// the upload flow (ticket, signed PUT, create with upload_ids).
import { api, createFromFiles } from '../api.js';
import { RATE_CARD, SYNTHESIS_POSES } from '../contract.js';
import { field, h } from '../dom.js';
import { action, navigate } from '../shell.js';
import { attributeFields } from './attributes.js';

const ACCEPT = 'image/jpeg,image/png,image/webp';
const MAX_FILES = 6;

export function createCharacter(main) {
  const name = h('input', { id: 'new-name', type: 'text', required: true, maxLength: 80, autocomplete: 'off' });
  const attributes = attributeFields('new');
  const synthesize = h('form', {
    class: 'card stack',
    onsubmit: action(async () => {
      const character = await api('POST', '/v1/characters', { name: name.value.trim(), generate: true, attributes: attributes.read() ?? undefined });
      navigate(`#/characters/${character.id}`);
    }),
  },
    h('h2', {}, 'Synthesize'),
    h('p', { class: 'muted' }, `The poses ${SYNTHESIS_POSES.join(', ')} are generated in parallel from the attributes; costs ${RATE_CARD.character.synthesize} credits.`),
    field('new-name', 'Name', name),
    attributes.fields,
    h('button', { type: 'submit', class: 'primary' }, 'Synthesize character'));

  main.append(h('h1', {}, 'New character'), h('div', { class: 'columns' }, synthesize, fromImages()));
  name.focus();
}

function fromImages() {
  let files = [];
  const name = h('input', { id: 'upload-name', type: 'text', required: true, maxLength: 80, autocomplete: 'off' });
  const picker = h('input', { id: 'upload-files', type: 'file', accept: ACCEPT, multiple: true, class: 'visually-hidden', onchange: () => choose(picker.files) });
  const list = h('ul', { class: 'files', 'aria-live': 'polite' });
  const zone = h('label', { for: 'upload-files', class: 'dropzone', ondragover: (e) => { e.preventDefault(); zone.classList.add('over'); }, ondragleave: () => zone.classList.remove('over'), ondrop: (e) => { e.preventDefault(); zone.classList.remove('over'); choose(e.dataTransfer.files); } },
    `Drop up to ${MAX_FILES} images here, or choose files (JPEG, PNG, WebP). The first is the cover.`);

  function choose(chosen) {
    files = [...chosen].filter((f) => ACCEPT.split(',').includes(f.type)).slice(0, MAX_FILES);
    list.replaceChildren(...files.map((f) => h('li', {}, `${f.name} (${Math.ceil(f.size / 1024)} KB)`)));
  }

  return h('form', {
    class: 'card stack',
    onsubmit: action(async () => {
      if (!files.length) throw new Error('Choose at least one image first.');
      const character = await createFromFiles(name.value.trim(), files);
      navigate(`#/characters/${character.id}`);
    }),
  },
    h('h2', {}, 'From your images'),
    h('p', { class: 'muted' }, 'Free; the character is ready at once, each image classified into a pose.'),
    field('upload-name', 'Name', name),
    picker, zone, list,
    h('button', { type: 'submit', class: 'primary' }, 'Create from images'));
}
