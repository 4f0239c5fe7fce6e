// objects.js — a bucket's objects: browse by prefix with paging (ListObjectsV2, delimiter "/"),
// upload (PutObject, or a multipart upload for large files, with a progress bar), download,
// delete, and one object's metadata, versions, tags and retention.
import { s3, s3xml, tx, all, kids, encodeKey, xmlEscape, putWithProgress, fmtBytes, download, S3Error } from './api.js';
import { h, guard, confirmAsk, field, table, setMain, toast } from './ui.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const PART = 8 * 1024 * 1024;
const PAGE = 100;

async function uploadFile(bucket, key, file, bar) {
  const path = `/${bucket}/${encodeKey(key)}`;
  const type = { 'Content-Type': file.type || 'application/octet-stream' };
  bar.max = file.size || 1;
  if (file.size <= PART) {
    await putWithProgress(path, null, file, type, (n) => { bar.value = n; });
    bar.value = bar.max;
    return;
  }
  const doc = await s3xml('POST', path, { query: { uploads: '' }, headers: type });
  const uploadId = tx(doc, 'UploadId');
  const parts = [];
  try {
    let done = 0;
    for (let i = 0, off = 0; off < file.size; i++, off += PART) {
      const chunk = file.slice(off, Math.min(off + PART, file.size));
      const x = await putWithProgress(path, { partNumber: i + 1, uploadId }, chunk, {}, (n) => { bar.value = done + n; });
      done += chunk.size;
      parts.push(`<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(x.getResponseHeader('ETag'))}</ETag></Part>`);
    }
    await s3('POST', path, { query: { uploadId }, body: `<CompleteMultipartUpload xmlns="${NS}">${parts.join('')}</CompleteMultipartUpload>` });
  } catch (e) {
    await s3('DELETE', path, { query: { uploadId } }).catch(() => {});
    throw e;
  }
}

export async function objectsPage(bucket, prefix = '', token = '', tokens = []) {
  const doc = await s3xml('GET', '/' + bucket, { query: { 'list-type': '2', delimiter: '/', prefix, 'max-keys': PAGE, 'continuation-token': token || undefined } });
  const dirs = all(doc, 'CommonPrefixes').map((p) => tx(p, 'Prefix'));
  const objs = kids(doc.documentElement, 'Contents').map((c) => ({ key: tx(c, 'Key'), size: tx(c, 'Size'), mod: tx(c, 'LastModified'), cls: tx(c, 'StorageClass') }));
  const next = tx(doc, 'NextContinuationToken');
  const crumbs = [h('a', { href: '#', onclick: (e) => { e.preventDefault(); objectsPage(bucket, ''); } }, bucket)];
  let acc = '';
  for (const part of prefix.split('/').filter(Boolean)) {
    acc += part + '/';
    const p = acc;
    crumbs.push(' / ', h('a', { href: '#', onclick: (e) => { e.preventDefault(); objectsPage(bucket, p); } }, part));
  }
  const file = h('input', { type: 'file', id: 'upload-file', multiple: true });
  const bar = h('progress', { id: 'upload-progress', value: 0, max: 1 });
  const status = h('span', { id: 'upload-status' });
  const up = h('button', { id: 'upload-button', onclick: async () => {
    for (const f of file.files) {
      status.textContent = `uploading ${f.name} (${fmtBytes(f.size)})…`;
      const ok = await guard(() => uploadFile(bucket, prefix + f.name, f, bar), `Uploaded ${f.name}`);
      status.textContent = ok === undefined ? `${f.name} failed` : `uploaded ${f.name}`;
    }
    objectsPage(bucket, prefix);
  } }, 'Upload');
  const rows = [
    ...dirs.map((d) => h('tr', {}, h('td', {}, h('a', { href: '#', class: 'dir', onclick: (e) => { e.preventDefault(); objectsPage(bucket, d); } }, d.slice(prefix.length))), h('td', {}), h('td', {}), h('td', {}), h('td', {}))),
    ...objs.map((o) => h('tr', {},
      h('td', {}, h('a', { href: '#', class: 'obj', onclick: (e) => { e.preventDefault(); objectPage(bucket, o.key); } }, o.key.slice(prefix.length))),
      h('td', {}, fmtBytes(o.size)), h('td', {}, o.mod), h('td', {}, o.cls),
      h('td', {}, h('button', { onclick: () => guard(() => download(bucket, o.key)) }, 'Download'), ' ',
        h('button', { class: 'danger', onclick: async () => {
          if (!confirmAsk(`Delete ${o.key}?`)) return;
          await guard(() => s3('DELETE', `/${bucket}/${encodeKey(o.key)}`), `Deleted ${o.key}`);
          objectsPage(bucket, prefix, token, tokens);
        } }, 'Delete')))),
  ];
  const pager = h('div', { class: 'buttons' },
    tokens.length ? h('button', { onclick: () => { const t = tokens.slice(0, -1); objectsPage(bucket, prefix, tokens[tokens.length - 1], t); } }, '← Previous') : null,
    next ? h('button', { id: 'next-page', onclick: () => objectsPage(bucket, prefix, next, [...tokens, token]) }, 'Next →') : null);
  const filter = h('input', { placeholder: 'prefix', value: prefix, id: 'prefix' });
  setMain(h('h1', {}, crumbs),
    h('p', {}, h('a', { href: `#/b/${bucket}/settings` }, 'Settings'), ' · ', h('a', { href: `#/b/${bucket}/inventory` }, 'Inventory')),
    h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); objectsPage(bucket, filter.value); } }, filter, h('button', { type: 'submit' }, 'Go')),
    h('section', { class: 'card' }, h('h2', {}, `Upload to ${bucket}/${prefix}`), file, up, bar, status,
      h('small', {}, `Files over ${fmtBytes(PART)} go up as a multipart upload, ${fmtBytes(PART)} a part.`)),
    table(['Name', 'Size', 'Last modified', 'Storage class', ''], rows, { id: 'object-table' }), pager);
}

function kv(obj) {
  return table(['Name', 'Value'], Object.entries(obj).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v))));
}

export async function objectPage(bucket, key, versionId) {
  const path = `/${bucket}/${encodeKey(key)}`;
  const vq = versionId ? { versionId } : {};
  const head = await s3('HEAD', path, { query: vq });
  const meta = {};
  head.headers.forEach((v, k) => { if (!/^(x-amz-request-id|x-amz-id-2|server|date|connection|content-security-policy)$/.test(k)) meta[k] = v; });
  const sections = [h('section', { class: 'card' }, h('h2', {}, 'Metadata'), kv(meta))];
  // versions
  const vdoc = await s3xml('GET', '/' + bucket, { query: { versions: '', prefix: key } }).catch(() => null);
  if (vdoc) {
    const vs = [...kids(vdoc.documentElement, 'Version'), ...kids(vdoc.documentElement, 'DeleteMarker')].filter((v) => tx(v, 'Key') === key);
    sections.push(h('section', { class: 'card' }, h('h2', {}, 'Versions'), table(['Version', 'Latest', 'Size', 'Modified', ''], vs.map((v) => {
      const id = tx(v, 'VersionId');
      const marker = v.localName === 'DeleteMarker';
      return h('tr', {}, h('td', {}, marker ? `${id} (delete marker)` : id), h('td', {}, tx(v, 'IsLatest')), h('td', {}, marker ? '' : fmtBytes(tx(v, 'Size'))), h('td', {}, tx(v, 'LastModified')),
        h('td', {}, marker ? null : h('button', { onclick: () => objectPage(bucket, key, id) }, 'Show'), ' ',
          marker ? null : h('button', { onclick: () => guard(() => download(bucket, key, id)) }, 'Download'), ' ',
          h('button', { class: 'danger', onclick: async () => {
            if (!confirmAsk(`Delete version ${id} of ${key} for good?`)) return;
            await guard(() => s3('DELETE', path, { query: { versionId: id } }), 'Version deleted');
            objectPage(bucket, key);
          } }, 'Delete version')));
    }))));
  }
  // tags
  const tdoc = await s3xml('GET', path, { query: { tagging: '', ...vq } }).catch(() => null);
  const tags = tdoc ? all(tdoc, 'Tag').map((t) => `${tx(t, 'Key')}=${tx(t, 'Value')}`).join('\n') : '';
  const tagArea = h('textarea', { rows: 4, id: 'tags', placeholder: 'key=value, one a line' });
  tagArea.value = tags;
  sections.push(h('section', { class: 'card' }, h('h2', {}, 'Tags'), tagArea, h('div', { class: 'buttons' }, h('button', { onclick: async () => {
    const set = tagArea.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const i = l.indexOf('=');
      const k = i < 0 ? l : l.slice(0, i), v = i < 0 ? '' : l.slice(i + 1);
      return `<Tag><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></Tag>`;
    });
    await guard(() => s3('PUT', path, { query: { tagging: '', ...vq }, body: `<Tagging xmlns="${NS}"><TagSet>${set.join('')}</TagSet></Tagging>` }), 'Tags saved');
  } }, 'Save tags'))));
  // retention and legal hold
  let mode = '', until = '';
  try {
    const r = await s3xml('GET', path, { query: { retention: '', ...vq } });
    mode = tx(r, 'Mode');
    until = tx(r, 'RetainUntilDate');
  } catch (e) {
    if (!(e instanceof S3Error)) throw e;
    mode = '';
    until = e.code === 'NoSuchObjectLockConfiguration' ? '' : `(${e.code})`;
  }
  const modeSel = h('select', {}, ['GOVERNANCE', 'COMPLIANCE'].map((m) => h('option', { value: m, selected: m === mode }, m)));
  const untilIn = h('input', { type: 'datetime-local' });
  const bypass = h('input', { type: 'checkbox' });
  sections.push(h('section', { class: 'card' }, h('h2', {}, 'Retention'), h('p', {}, mode ? `${mode} until ${until}` : `none ${until}`),
    field('Mode', modeSel), field('Retain until', untilIn), h('label', { class: 'check' }, bypass, 'Bypass governance retention'),
    h('button', { onclick: async () => {
      if (!untilIn.value) return toast('Pick a date', 'error');
      const body = `<Retention xmlns="${NS}"><Mode>${modeSel.value}</Mode><RetainUntilDate>${new Date(untilIn.value).toISOString()}</RetainUntilDate></Retention>`;
      await guard(() => s3('PUT', path, { query: { retention: '', ...vq }, body, headers: bypass.checked ? { 'x-amz-bypass-governance-retention': 'true' } : {} }), 'Retention saved');
      objectPage(bucket, key, versionId);
    } }, 'Save retention')));
  const dir = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  setMain(h('h1', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); objectsPage(bucket, dir); } }, bucket), ' / ', key, versionId ? ` (version ${versionId})` : ''),
    h('div', { class: 'buttons' }, h('button', { onclick: () => guard(() => download(bucket, key, versionId)) }, 'Download'),
      h('button', { class: 'danger', onclick: async () => {
        if (!confirmAsk(`Delete ${key}?`)) return;
        await guard(() => s3('DELETE', path, { query: vq }), `Deleted ${key}`);
        objectsPage(bucket, dir);
      } }, 'Delete')),
    h('div', { class: 'grid' }, sections));
}
