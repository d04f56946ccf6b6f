// The console's router and header. Each view is `render(main, params) → stop()`; stop ends its polling when the route changes.
import { session } from './api.js';
import { h } from './dom.js';
import { clearError, navigate, refreshBalance, showError } from './shell.js';
import { signIn } from './views/sign-in.js';
import { characterList } from './views/list.js';
import { createCharacter } from './views/create.js';
import { characterPage } from './views/character.js';
import { playground } from './views/playground.js';

const main = document.getElementById('main');
const account = document.getElementById('account');

const ROUTES = [
  [/^#\/new$/, createCharacter, 'New character'],
  [/^#\/characters\/([^/?]+)\/try$/, playground, 'Try it'],
  [/^#\/characters\/([^/?]+)$/, characterPage, 'Character'],
  [/^#\/(?:characters)?(?:\?(.*))?$/, characterList, 'Characters'],
];

let balanceTimer;
function renderAccount() {
  clearInterval(balanceTimer);
  if (!session.key) return account.replaceChildren();
  account.replaceChildren(
    h('span', { class: 'balance' }, 'Balance ', h('output', { id: 'balance', 'aria-live': 'polite' }, '…')),
    h('button', { type: 'button', class: 'link', onclick: () => { session.signOut(); navigate('#/'); } }, 'Sign out'),
  );
  void refreshBalance();
  balanceTimer = setInterval(refreshBalance, 5000);
}

let stop = () => {};
function route() {
  stop();
  clearError();
  renderAccount();
  const hash = location.hash || '#/';
  const [pattern, view, title] = session.key ? ROUTES.find(([p]) => p.test(hash)) ?? ROUTES.at(-1) : [/.*/, signIn, 'Sign in'];
  const params = pattern.exec(hash)?.slice(1) ?? [];
  document.title = `${title} · Aurous console`;
  main.replaceChildren();
  stop = view(main, ...params) ?? (() => {});
  main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
window.addEventListener('error', (e) => showError(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => showError(e.reason));
route();
