// Builds DOM nodes without innerHTML, so text from the API is never parsed as markup.

/** h('button', { class: 'x', onclick }, 'text', child) → element. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key in el && !key.includes('-') && key !== 'list') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** Sets an image's source only when the file changed: signed URLs differ on every read, bytes do not. */
export function setImage(img, url) {
  const file = (u) => (u ? new URL(u, location.href).pathname : '');
  if (file(img.dataset.src) !== file(url)) img.src = url;
  img.dataset.src = url;
}

export function when(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A labelled form field. */
export function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}
