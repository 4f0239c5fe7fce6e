// ui.js — a small DOM toolkit: h() builds elements, toast() reports, confirmAsk() asks.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function toast(message, kind = 'info') {
  const t = document.getElementById('toast');
  const item = h('div', { class: 'toast ' + kind }, message);
  t.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 3000);
}

// Run an async action, showing its error (AWS code and message) as a toast; returns its result.
export async function guard(fn, okMessage) {
  try {
    const r = await fn();
    if (okMessage) toast(okMessage, 'ok');
    return r;
  } catch (e) {
    toast(e.message || String(e), 'error');
    return undefined;
  }
}

export function confirmAsk(message) {
  return window.confirm(message);
}

export function field(label, input, help) {
  return h('label', { class: 'field' }, h('span', {}, label), input, help ? h('small', {}, help) : null);
}

export function table(headers, rows, attrs) {
  return h('table', attrs || {}, h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'None'))));
}

export function setMain(...children) {
  const main = document.getElementById('main');
  main.replaceChildren(...children);
  return main;
}
