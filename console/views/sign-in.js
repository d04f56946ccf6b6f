// Sign in with an API key. The input has no name and the form no action, so even without this
// script the key could never be sent in a URL; it is kept in sessionStorage only.
import { api, session } from '../api.js';
import { h } from '../dom.js';
import { action, navigate, signedOut } from '../shell.js';

export function signIn(main) {
  const key = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', required: true, placeholder: 'al_live_…' });
  const reason = signedOut.reason;
  signedOut.reason = null;
  main.append(
    h('section', { class: 'card narrow' },
      h('h1', {}, 'Sign in'),
      h('p', {}, 'Use your team\'s API key. It stays in this tab only (session storage) and is sent to the API in the X-Api-Key header.'),
      reason ? h('p', { class: 'error', role: 'status' }, reason) : null,
      h('form', {
        class: 'stack',
        onsubmit: action(async () => {
          session.signIn(key.value.trim());
          await api('GET', '/v1/balance');
          navigate('#/');
        }),
      },
        h('label', { for: 'api-key' }, 'API key'),
        key,
        h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
    ),
  );
  key.focus();
}
