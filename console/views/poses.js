// The poses of a character, large and side by side. A pose being generated shows as in progress
// while the others stay; an image is swapped only when its file changes (see setImage).
import { SYNTHESIS_POSES } from '../contract.js';
import { h, setImage } from '../dom.js';

/** A grid of pose figures; `update(character, busy)` with the set of poses being generated. */
export function poseGrid(onRegenerate) {
  const grid = h('div', { class: 'poses' });
  const figures = new Map();

  function figure(slot, pose) {
    const img = h('img', { alt: `${pose} pose` });
    const prompt = h('input', { id: `prompt-${slot}`, type: 'text', maxLength: 1000, placeholder: 'Prompt (optional)', autocomplete: 'off' });
    const progress = h('div', { class: 'progress', role: 'status' });
    const button = h('button', { type: 'submit' }, 'Regenerate');
    const el = h('figure', { class: 'pose', 'data-pose': pose },
      h('div', { class: 'frame' }, img, progress),
      h('figcaption', {}, h('strong', {}, pose),
        h('form', { class: 'inline', onsubmit: (e) => onRegenerate(e, pose, prompt.value.trim()) },
          h('label', { for: `prompt-${slot}`, class: 'visually-hidden' }, `Prompt override for ${pose}`), prompt, button)));
    return Object.assign(el, { img, progress, button });
  }

  return {
    grid,
    update(character, busy) {
      const synthesizing = character.status === 'synthesizing';
      const slots = character.refs.map((ref, i) => ({ ...ref, slot: `${ref.pose}-${character.refs.slice(0, i).filter((r) => r.pose === ref.pose).length}` }));
      // Poses still being synthesized for the first time have no ref yet: show their frames anyway.
      for (const pose of synthesizing ? SYNTHESIS_POSES : []) if (!slots.some((s) => s.pose === pose)) slots.push({ pose, url: null, slot: `${pose}-0` });
      for (const [slot, el] of figures) if (!slots.some((s) => s.slot === slot)) (el.remove(), figures.delete(slot));
      slots.forEach(({ pose, url, slot }, index) => {
        const el = figures.get(slot) ?? figure(slot, pose);
        figures.set(slot, el);
        if (grid.children[index] !== el) grid.insertBefore(el, grid.children[index] ?? null);
        if (url) setImage(el.img, url);
        el.img.hidden = !url;
        const working = synthesizing && busy.has(pose);
        el.classList.toggle('busy', working);
        el.setAttribute('aria-busy', String(working));
        el.progress.textContent = working ? `Generating ${pose}…` : '';
        el.button.disabled = synthesizing || character.status === 'deleted';
      });
    },
  };
}
