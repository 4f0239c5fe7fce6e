// app.js — the console's shell: sign-in (exchanging the access key and secret for an HttpOnly
// session cookie; the page keeps neither), the hash router and the pages.
import { session } from './api.js';
import { h, setMain, toast } from './ui.js';
import { bucketsPage, settingsPage } from './buckets.js';
import { objectsPage } from './objects.js';
import { inventoryPage } from './inventory.js';
import { chartsPage } from './charts.js';

let me = null;

function signInPage(message) {
  const ak = h('input', { id: 'access-key', autocomplete: 'username', required: true });
  const sk = h('input', { id: 'secret-key', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', id: 'signin-error' }, message || '');
  setMain(h('form', { class: 'card signin', id: 'signin', onsubmit: async (e) => {
    e.preventDefault();
    try {
      me = await session('POST', { accessKeyId: ak.value.trim(), secretAccessKey: sk.value });
      sk.value = '';
      showWho();
      route();
    } catch (ex) {
      sk.value = '';
      err.textContent = ex.detail || ex.message;
    }
  } }, h('h1', {}, 'Sign in'),
  h('label', { class: 'field' }, h('span', {}, 'Access key id'), ak),
  h('label', { class: 'field' }, h('span', {}, 'Secret access key'), sk),
  h('button', { type: 'submit', id: 'signin-button' }, 'Sign in'), err,
  h('small', {}, 'The secret is sent once to this server, which answers with a short-lived session cookie the page cannot read.')));
}

function showWho() {
  const who = document.getElementById('who');
  const nav = document.getElementById('nav');
  if (!me) { who.replaceChildren(); nav.replaceChildren(); return; }
  nav.replaceChildren(h('a', { href: '#/buckets' }, 'Buckets'));
  who.replaceChildren(`${me.accountName || me.accountId} · ${me.accessKeyId} · until ${me.expiresAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} `,
    h('button', { id: 'signout', onclick: async () => {
      await session('DELETE').catch(() => {});
      me = null;
      showWho();
      signInPage('Signed out.');
    } }, 'Sign out'));
}

async function route() {
  if (!me) return signInPage();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'b' && parts[1]) {
      const b = parts[1];
      if (parts[2] === 'settings') return await settingsPage(b);
      if (parts[2] === 'inventory') return await inventoryPage(b, me.accountId, parts[3] === 'edit' ? parts[4] : undefined);
      if (parts[2] === 'charts') return await chartsPage(b, parts[3]);
      return await objectsPage(b, '');
    }
    return await bucketsPage();
  } catch (e) {
    if (!me) return undefined;
    setMain(h('h1', {}, 'Error'), h('p', { class: 'error', id: 'page-error' }, e.message), h('a', { href: '#/buckets' }, 'Back to buckets'));
    return undefined;
  }
}

window.addEventListener('session-lost', (e) => {
  if (!me) return;
  me = null;
  showWho();
  signInPage(e.detail);
});
window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (e) => toast(String(e.reason && e.reason.message ? e.reason.message : e.reason), 'error'));

(async () => {
  try { me = await session('GET'); } catch { me = null; }
  showWho();
  route();
})();
