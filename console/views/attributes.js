// The attribute fields of a character, built from the contract's schema (contract.js), shared by
// the create and edit forms.
import { ATTRIBUTES } from '../contract.js';
import { field, h } from '../dom.js';

const label = (key) => key.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

/** Inputs for every attribute, filled from `current`; `read()` gives the attributes object (or null). */
export function attributeFields(prefix, current = null) {
  const inputs = Object.entries(ATTRIBUTES).map(([key, schema]) => {
    const id = `${prefix}-${key}`;
    const value = current?.[key] ?? '';
    const input = schema.type === 'integer'
      ? h('input', { id, type: 'number', inputMode: 'numeric', min: schema.minimum, max: schema.maximum, step: 1, value })
      : schema.maxLength > 200
        ? h('textarea', { id, maxLength: schema.maxLength, rows: 2, value })
        : h('input', { id, type: 'text', maxLength: schema.maxLength, value });
    return { key, schema, input, field: field(id, label(key), input) };
  });
  return {
    fields: h('fieldset', { class: 'attributes' }, h('legend', {}, 'Attributes (all optional)'), inputs.map((i) => i.field)),
    read() {
      const out = {};
      for (const { key, schema, input } of inputs) {
        const raw = input.value.trim();
        if (raw) out[key] = schema.type === 'integer' ? Number(raw) : raw;
      }
      return Object.keys(out).length ? out : null;
    },
  };
}
