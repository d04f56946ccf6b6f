// What every view shares: the one place errors are shown, the balance, polling, button actions.
import { ApiError, api, session } from './api.js';
import { h } from './dom.js';

const alertBox = document.getElementById('alert');

/** Why the last session ended, for the sign-in page. */
export const signedOut = { reason: null };

/** Shows an API error as the contract's message, with its request id for a support ticket. */
export function showError(err) {
  if (err instanceof ApiError && err.status === 401) {
    // api.js signed the session out: the sign-in page shows why.
    signedOut.reason = err.message;
    return navigate('#/');
  }
  const message = err instanceof Error ? err.message : String(err);
  alertBox.replaceChildren(
    h('div', { class: 'error' }, h('p', {}, message), err instanceof ApiError && err.requestId ? h('p', { class: 'muted' }, `Request ${err.requestId}`) : null, h('button', { type: 'button', onclick: () => alertBox.replaceChildren() }, 'Dismiss')),
  );
}

export function clearError() {
  alertBox.replaceChildren();
}

/** Re-reads the balance; views call it after anything that may move credits. */
export async function refreshBalance() {
  const out = document.getElementById('balance');
  if (!out || !session.key) return;
  try {
    const { credits } = await api('GET', '/v1/balance');
    out.textContent = `${credits} credit${credits === 1 ? '' : 's'}`;
  } catch (err) {
    showError(err);
  }
}

/** Runs `step` now and every `ms` until stopped, showing its errors; returns stop(). */
export function poll(step, ms) {
  let timer;
  let stopped = false;
  const tick = async () => {
    try {
      await step();
    } catch (err) {
      showError(err);
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Wraps a button's action: disabled while it runs, errors shown, balance refreshed after. */
export function action(run) {
  return async (event, ...args) => {
    event?.preventDefault?.();
    const control = event?.submitter ?? event?.currentTarget;
    if (control) control.disabled = true;
    clearError();
    try {
      await run(event, ...args);
    } catch (err) {
      showError(err);
    } finally {
      if (control) control.disabled = false;
      void refreshBalance();
    }
  };
}

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

