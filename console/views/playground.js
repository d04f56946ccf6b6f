// Try a ready character: prompt, size, count, seed; the estimate before submitting, then the
// generation's outputs as it finishes, with cancel. The estimate is asked again on every change.
import { api } from '../api.js';
import { SIZE_PRESETS } from '../contract.js';
import { field, h, setImage } from '../dom.js';
import { action, poll, showError } from '../shell.js';

const FINISHED = ['succeeded', 'failed', 'cancelled'];

export function playground(main, id) {
  let stopPolling = () => {};
  const heading = h('h1', {}, 'Try it');
  const prompt = h('textarea', { id: 'try-prompt', required: true, maxLength: 4000, rows: 3, placeholder: 'on a beach at sunset' });
  const size = h('select', { id: 'try-size' }, SIZE_PRESETS.map((s) => h('option', { value: s }, s.replace(/^(\dk)_(\d+)_(\d+)$/, '$1, $2:$3'))));
  const count = h('select', { id: 'try-count' }, [1, 2, 3, 4].map((n) => h('option', { value: n }, String(n))));
  const seed = h('input', { id: 'try-seed', type: 'number', min: 0, step: 1, inputMode: 'numeric', placeholder: 'random' });
  const estimate = h('output', { id: 'try-estimate', 'aria-live': 'polite' }, 'Enter a prompt to see the cost.');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Generate');
  const result = h('section', { class: 'card', 'aria-label': 'Generation', hidden: true });

  const body = () => ({
    prompt: prompt.value,
    character_id: id,
    size: size.value,
    count: Number(count.value),
    ...(seed.value !== '' ? { seed: Number(seed.value) } : {}),
  });

  let asked = 0;
  let debounce;
  function reestimate() {
    clearTimeout(debounce);
    debounce = setTimeout(async () => {
      if (!prompt.value.trim()) return void (estimate.textContent = 'Enter a prompt to see the cost.');
      const mine = ++asked;
      try {
        const { estimated_cost: cost } = await api('POST', '/v1/images/estimate', body());
        if (mine === asked) estimate.textContent = `Estimated cost: ${cost.amount} credit${cost.amount === 1 ? '' : 's'}`;
      } catch (err) {
        if (mine === asked) estimate.textContent = `No estimate: ${err.message}`;
      }
    }, 250);
  }

  const form = h('form', {
    class: 'card stack',
    oninput: reestimate,
    onsubmit: action(async () => {
      stopPolling();
      const generation = await api('POST', '/v1/images', body());
      follow(generation);
    }),
  },
    field('try-prompt', 'Prompt', prompt),
    h('div', { class: 'row' }, field('try-size', 'Size', size), field('try-count', 'Count', count), field('try-seed', 'Seed', seed)),
    h('p', {}, estimate),
    submit);

  main.append(h('div', { class: 'heading' }, heading, h('a', { href: `#/characters/${id}` }, 'Back to the character')), form, result);

  api('GET', `/v1/characters/${id}`).then((character) => {
    heading.textContent = `Try ${character.name}`;
    if (character.status !== 'ready') {
      submit.disabled = true;
      form.prepend(h('p', { class: 'error' }, `This character is ${character.status}; approve it before using it in images.`));
    }
  }, showError);

  function follow(generation) {
    const boxes = Array.from({ length: generation.image_count }, (_, i) =>
      h('div', { class: 'frame' }, h('img', { alt: `Output ${i + 1} of ${generation.id}`, hidden: true }), h('div', { class: 'progress', role: 'status' })));
    // The box has the output's shape before its bytes arrive: no layout shift. (CSSOM, not a style attribute: the CSP forbids those.)
    for (const box of boxes) box.style.aspectRatio = `${generation.width} / ${generation.height}`;
    const status = h('p', { class: 'status-line', 'aria-live': 'polite' });
    const cancel = h('button', { type: 'button', onclick: action(async () => render(await api('POST', `/v1/images/${generation.id}/cancel`))) }, 'Cancel');
    result.hidden = false;
    result.replaceChildren(h('h2', {}, 'Outputs'), status, h('div', { class: 'outputs' }, boxes), cancel);

    function render(g) {
      status.textContent = `${g.id} · ${g.status} · seed ${g.seed} · ${g.width}×${g.height} · cost ${g.cost.amount} credit${g.cost.amount === 1 ? '' : 's'}${g.error_message ? ` · ${g.error_message}` : ''}`;
      status.dataset.status = g.status;
      boxes.forEach((box, i) => {
        const [img, progress] = box.children;
        if (g.output_urls[i]) (setImage(img, g.output_urls[i]), (img.hidden = false));
        progress.textContent = g.output_urls[i] ? '' : FINISHED.includes(g.status) ? g.status : 'Rendering…';
      });
      cancel.hidden = FINISHED.includes(g.status);
      if (FINISHED.includes(g.status)) stopPolling();
    }
    render(generation);
    stopPolling = poll(async () => render(await api('GET', `/v1/images/${generation.id}`)), 1000);
  }

  prompt.focus();
  return () => stopPolling();
}
