// api.js — every request the console makes: S3 operations and the admin API, all same-origin,
// authenticated by the HttpOnly session cookie plus the X-Stocktake-Console header (the page
// never sees a secret). Errors become S3Error with AWS's code and message.

export const CONSOLE_HEADER = 'X-Stocktake-Console';

export class S3Error extends Error {
  constructor(status, code, message) {
    super(`${code}: ${message}`);
    this.status = status;
    this.code = code;
    this.detail = message;
  }
}

const te = new TextEncoder();

export function encodeKey(key) {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function xmlEscape(s) {
  return String(s).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}

export function parseXml(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('malformed XML from the server');
  return doc;
}

// Text of the first descendant element named name (namespace ignored), or ''.
export function tx(node, name) {
  const el = node.getElementsByTagNameNS('*', name)[0];
  return el ? el.textContent : '';
}

export function kids(node, name) {
  return Array.from(node.children).filter((c) => c.localName === name);
}

export function all(node, name) {
  return Array.from(node.getElementsByTagNameNS('*', name));
}

async function sha256b64(bytes) {
  const d = await crypto.subtle.digest('SHA-256', bytes);
  let s = '';
  for (const b of new Uint8Array(d)) s += String.fromCharCode(b);
  return btoa(s);
}

async function errorOf(resp) {
  const text = await resp.text();
  let code = `HTTP${resp.status}`, message = resp.statusText || 'request failed';
  if (text.startsWith('{')) {
    try {
      const j = JSON.parse(text);
      code = j.error || code;
      message = j.message || message;
    } catch { /* not JSON after all */ }
  } else if (text.includes('<Error>')) {
    try {
      const doc = parseXml(text);
      code = tx(doc, 'Code') || code;
      message = tx(doc, 'Message') || message;
    } catch { /* keep the status */ }
  }
  if (resp.status === 403 && /session/i.test(message)) window.dispatchEvent(new CustomEvent('session-lost', { detail: message }));
  return new S3Error(resp.status, code, message);
}

// One S3 request. path is "/bucket[/key]"; query an object; body a string, bytes or Blob.
export async function s3(method, path, { query, headers, body, expect } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null) url.searchParams.set(k, v);
  }
  // sub-resources without value: "?versioning" rather than "?versioning="
  const search = url.search.replace(/=(?=&|$)/g, '');
  const h = { [CONSOLE_HEADER]: '1', ...(headers || {}) };
  if (typeof body === 'string') {
    const bytes = te.encode(body);
    if (crypto.subtle) h['x-amz-checksum-sha256'] = await sha256b64(bytes);
    body = bytes;
  }
  const resp = await fetch(url.pathname + search, { method, headers: h, body, credentials: 'same-origin', cache: 'no-store' });
  if (!resp.ok && !(expect && expect.includes(resp.status))) throw await errorOf(resp);
  return resp;
}

export async function s3xml(method, path, opts) {
  const resp = await s3(method, path, opts);
  const text = await resp.text();
  return text ? parseXml(text) : null;
}

// The admin API (docs/ADMIN-API.md): JSON in and out.
export async function admin(method, path, query) {
  const url = new URL('/_stocktake/api/' + path, location.origin);
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined) url.searchParams.set(k, v);
  const resp = await fetch(url.pathname + url.search, { method, headers: { [CONSOLE_HEADER]: '1' }, credentials: 'same-origin', cache: 'no-store' });
  if (!resp.ok) throw await errorOf(resp);
  return resp.json();
}

export async function session(method, body) {
  const resp = await fetch('/_stocktake/console/session', {
    method,
    headers: { [CONSOLE_HEADER]: '1', 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
    credentials: 'same-origin',
  });
  if (!resp.ok) throw await errorOf(resp);
  return resp.json();
}

// Upload with progress: XMLHttpRequest reports upload progress, fetch does not.
export function putWithProgress(path, query, blob, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    const qs = new URLSearchParams(query || {}).toString();
    x.open('PUT', path + (qs ? '?' + qs : ''));
    x.setRequestHeader(CONSOLE_HEADER, '1');
    for (const [k, v] of Object.entries(headers || {})) x.setRequestHeader(k, v);
    x.upload.onprogress = (e) => onProgress(e.loaded);
    x.onload = async () => {
      if (x.status >= 200 && x.status < 300) resolve(x);
      else reject(await errorOf(new Response(x.responseText, { status: x.status })));
    };
    x.onerror = () => reject(new Error('network error during upload'));
    x.send(blob);
  });
}

export function fmtBytes(n) {
  n = Number(n);
  if (!isFinite(n)) return '';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
}

// Save a Blob as a file the browser downloads.
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function download(bucket, key, versionId) {
  const resp = await s3('GET', `/${bucket}/${encodeKey(key)}`, { query: versionId ? { versionId } : {} });
  saveBlob(await resp.blob(), key.split('/').pop() || 'download');
}
