// buckets.js — the Buckets page (list, create, delete) and a bucket's settings: versioning,
// default encryption, Object Lock, lifecycle, policy and CORS, each shown and editable
// through the S3 API call AWS has for it.
import { s3, s3xml, tx, all, xmlEscape, S3Error } from './api.js';
import { h, guard, confirmAsk, field, table, setMain, toast } from './ui.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export async function bucketsPage() {
  const doc = await s3xml('GET', '/');
  const buckets = all(doc, 'Bucket').map((b) => ({ name: tx(b, 'Name'), created: tx(b, 'CreationDate') }));
  const name = h('input', { id: 'new-bucket', placeholder: 'new-bucket-name', required: true, pattern: '[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]' });
  const lock = h('input', { type: 'checkbox', id: 'new-bucket-lock' });
  const form = h('form', { class: 'inline', onsubmit: async (e) => {
    e.preventDefault();
    const headers = lock.checked ? { 'x-amz-bucket-object-lock-enabled': 'true' } : {};
    if (await guard(() => s3('PUT', '/' + name.value, { headers }), `Bucket ${name.value} created`) !== undefined) location.hash = '#/buckets';
    bucketsPage();
  } }, name, h('label', { class: 'check' }, lock, 'Object Lock'), h('button', { type: 'submit', id: 'create-bucket' }, 'Create bucket'));
  const rows = buckets.map((b) => h('tr', {},
    h('td', {}, h('a', { href: `#/b/${b.name}`, class: 'bucket-link' }, b.name)),
    h('td', {}, b.created),
    h('td', {}, h('a', { href: `#/b/${b.name}/settings` }, 'Settings'), ' ',
      h('a', { href: `#/b/${b.name}/inventory` }, 'Inventory'), ' ',
      h('button', { class: 'danger', onclick: async () => {
        if (!confirmAsk(`Delete bucket ${b.name}? It must be empty.`)) return;
        await guard(() => s3('DELETE', '/' + b.name), `Bucket ${b.name} deleted`);
        bucketsPage();
      } }, 'Delete'))));
  setMain(h('h1', {}, 'Buckets'), form, table(['Name', 'Created', ''], rows, { id: 'bucket-table' }));
}

// A sub-resource shown as its document in a text area, with Save and (where AWS has one) Delete.
function docEditor({ bucket, sub, title, help, isJson, emptyCodes, sample, canDelete, saveHeaders }) {
  const area = h('textarea', { rows: 10, spellcheck: 'false', id: `edit-${sub}` });
  const state = h('small', { class: 'state' }, 'loading…');
  const load = async () => {
    try {
      const resp = await s3('GET', '/' + bucket, { query: { [sub]: '' } });
      let text = await resp.text();
      if (isJson) { try { text = JSON.stringify(JSON.parse(text), null, 2); } catch { /* as sent */ } }
      area.value = text;
      state.textContent = 'configured';
    } catch (e) {
      if (e instanceof S3Error && (emptyCodes || []).includes(e.code)) {
        area.value = sample || '';
        state.textContent = `not configured (${e.code}); the text is a starting point`;
      } else {
        state.textContent = e.message;
      }
    }
  };
  load();
  return h('section', { class: 'card' }, h('h2', {}, title), help ? h('p', {}, help) : null, state, area,
    h('div', { class: 'buttons' },
      h('button', { onclick: async () => {
        await guard(() => s3('PUT', '/' + bucket, { query: { [sub]: '' }, body: area.value, headers: { 'Content-Type': isJson ? 'application/json' : 'application/xml', ...(saveHeaders || {}) } }), `${title} saved`);
        load();
      } }, 'Save'),
      canDelete ? h('button', { class: 'danger', onclick: async () => {
        if (!confirmAsk(`Delete the ${title.toLowerCase()} of ${bucket}?`)) return;
        await guard(() => s3('DELETE', '/' + bucket, { query: { [sub]: '' } }), `${title} deleted`);
        load();
      } }, 'Delete') : null));
}

async function versioningCard(bucket) {
  const doc = await s3xml('GET', '/' + bucket, { query: { versioning: '' } });
  const status = tx(doc, 'Status') || 'Unversioned';
  const sel = h('select', { id: 'versioning' }, ['Enabled', 'Suspended'].map((s) => h('option', { value: s, selected: s === status }, s)));
  return h('section', { class: 'card' }, h('h2', {}, 'Versioning'), h('p', {}, 'Now: ', h('b', { id: 'versioning-status' }, status)),
    field('Set to', sel),
    h('button', { onclick: async () => {
      await guard(() => s3('PUT', '/' + bucket, { query: { versioning: '' }, body: `<VersioningConfiguration xmlns="${NS}"><Status>${sel.value}</Status></VersioningConfiguration>` }), 'Versioning saved');
      settingsPage(bucket);
    } }, 'Save'));
}

async function encryptionCard(bucket) {
  let algo = 'none', key = '', bucketKey = false;
  try {
    const doc = await s3xml('GET', '/' + bucket, { query: { encryption: '' } });
    algo = tx(doc, 'SSEAlgorithm') || 'none';
    key = tx(doc, 'KMSMasterKeyID');
    bucketKey = tx(doc, 'BucketKeyEnabled') === 'true';
  } catch (e) {
    if (!(e instanceof S3Error) || e.code !== 'ServerSideEncryptionConfigurationNotFoundError') throw e;
  }
  const sel = h('select', { id: 'sse-algo' }, ['AES256', 'aws:kms', 'aws:kms:dsse'].map((s) => h('option', { value: s, selected: s === algo }, s)));
  const keyIn = h('input', { value: key, placeholder: 'KMS key id, ARN or alias (aws:kms)' });
  const bk = h('input', { type: 'checkbox', checked: bucketKey });
  return h('section', { class: 'card' }, h('h2', {}, 'Default encryption'), h('p', {}, 'Now: ', h('b', {}, algo), key ? ` (${key})` : ''),
    field('Algorithm', sel), field('KMS key', keyIn), h('label', { class: 'check' }, bk, 'Bucket Key'),
    h('div', { class: 'buttons' }, h('button', { onclick: async () => {
      const kid = sel.value !== 'AES256' && keyIn.value ? `<KMSMasterKeyID>${xmlEscape(keyIn.value)}</KMSMasterKeyID>` : '';
      const body = `<ServerSideEncryptionConfiguration xmlns="${NS}"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${sel.value}</SSEAlgorithm>${kid}</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>${bk.checked}</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`;
      await guard(() => s3('PUT', '/' + bucket, { query: { encryption: '' }, body }), 'Encryption saved');
      settingsPage(bucket);
    } }, 'Save'), h('button', { class: 'danger', onclick: async () => {
      await guard(() => s3('DELETE', '/' + bucket, { query: { encryption: '' } }), 'Encryption configuration deleted (SSE-S3 applies)');
      settingsPage(bucket);
    } }, 'Delete')));
}

export async function settingsPage(bucket) {
  const cards = await Promise.all([versioningCard(bucket), encryptionCard(bucket)].map((p) => p.catch((e) => h('p', { class: 'error' }, e.message))));
  setMain(h('h1', {}, h('a', { href: `#/b/${bucket}` }, bucket), ' · settings'),
    h('p', {}, h('a', { href: `#/b/${bucket}` }, 'Objects'), ' · ', h('a', { href: `#/b/${bucket}/inventory` }, 'Inventory')),
    h('div', { class: 'grid' }, ...cards,
      docEditor({ bucket, sub: 'object-lock', title: 'Object Lock', emptyCodes: ['ObjectLockConfigurationNotFoundError'],
        help: 'Object Lock must be enabled when the bucket is created; a default retention may be set here.',
        sample: `<ObjectLockConfiguration xmlns="${NS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>` }),
      docEditor({ bucket, sub: 'lifecycle', title: 'Lifecycle', emptyCodes: ['NoSuchLifecycleConfiguration'], canDelete: true,
        sample: `<LifecycleConfiguration xmlns="${NS}"><Rule><ID>expire-tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule></LifecycleConfiguration>` }),
      docEditor({ bucket, sub: 'policy', title: 'Bucket policy', isJson: true, emptyCodes: ['NoSuchBucketPolicy'], canDelete: true,
        sample: JSON.stringify({ Version: '2012-10-17', Statement: [] }, null, 2) }),
      docEditor({ bucket, sub: 'cors', title: 'CORS', emptyCodes: ['NoSuchCORSConfiguration'], canDelete: true,
        sample: `<CORSConfiguration xmlns="${NS}"><CORSRule><AllowedOrigin>https://example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>` })));
}
