// inventory.js — a bucket's inventory configurations: list, create and edit (a form with every
// field AWS has, and the destination bucket policy offered for one click), delete; Run now,
// the run history with live progress and errors, and links to each run's manifest and files
// (the admin API, docs/ADMIN-API.md).
import { s3, s3xml, tx, all, kids, xmlEscape, admin, fmtBytes, saveBlob, encodeKey, S3Error } from './api.js';
import { h, guard, confirmAsk, field, table, setMain, toast } from './ui.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
export const FIELDS = ['Size', 'LastModifiedDate', 'StorageClass', 'ETag', 'IsMultipartUploaded', 'ReplicationStatus',
  'EncryptionStatus', 'ObjectLockRetainUntilDate', 'ObjectLockMode', 'ObjectLockLegalHoldStatus',
  'IntelligentTieringAccessTier', 'BucketKeyStatus', 'ChecksumAlgorithm', 'ObjectAccessControlList', 'ObjectOwner',
  'LifecycleExpirationDate'];

export function parseConfig(node) {
  const dest = node.getElementsByTagNameNS('*', 'S3BucketDestination')[0];
  const enc = dest && dest.getElementsByTagNameNS('*', 'Encryption')[0];
  return {
    id: tx(node, 'Id'),
    enabled: tx(node, 'IsEnabled') === 'true',
    prefix: node.getElementsByTagNameNS('*', 'Filter')[0] ? tx(node.getElementsByTagNameNS('*', 'Filter')[0], 'Prefix') : '',
    versions: tx(node, 'IncludedObjectVersions') || 'Current',
    frequency: tx(node, 'Frequency') || 'Daily',
    fields: all(node, 'Field').map((f) => f.textContent),
    destBucket: dest ? tx(dest, 'Bucket').replace(/^arn:aws:s3:::/, '') : '',
    destAccount: dest ? tx(dest, 'AccountId') : '',
    destPrefix: dest ? kids(dest, 'Prefix').map((p) => p.textContent)[0] || '' : '',
    format: dest ? tx(dest, 'Format') : 'CSV',
    encryption: !enc ? 'none' : enc.getElementsByTagNameNS('*', 'SSE-KMS')[0] ? 'SSE-KMS' : 'SSE-S3',
    kmsKey: enc ? tx(enc, 'KeyId') : '',
  };
}

function configXml(c) {
  const enc = c.encryption === 'SSE-S3' ? '<Encryption><SSE-S3/></Encryption>'
    : c.encryption === 'SSE-KMS' ? `<Encryption><SSE-KMS><KeyId>${xmlEscape(c.kmsKey)}</KeyId></SSE-KMS></Encryption>` : '';
  return `<InventoryConfiguration xmlns="${NS}"><Id>${xmlEscape(c.id)}</Id><IsEnabled>${c.enabled}</IsEnabled>` +
    (c.prefix ? `<Filter><Prefix>${xmlEscape(c.prefix)}</Prefix></Filter>` : '') +
    `<Destination><S3BucketDestination>${c.destAccount ? `<AccountId>${xmlEscape(c.destAccount)}</AccountId>` : ''}` +
    `<Bucket>arn:aws:s3:::${xmlEscape(c.destBucket)}</Bucket><Format>${c.format}</Format>` +
    (c.destPrefix ? `<Prefix>${xmlEscape(c.destPrefix)}</Prefix>` : '') + enc +
    `</S3BucketDestination></Destination><Schedule><Frequency>${c.frequency}</Frequency></Schedule>` +
    `<IncludedObjectVersions>${c.versions}</IncludedObjectVersions>` +
    (c.fields.length ? `<OptionalFields>${c.fields.map((f) => `<Field>${f}</Field>`).join('')}</OptionalFields>` : '') +
    '</InventoryConfiguration>';
}

export async function listConfigs(bucket) {
  const out = [];
  let token;
  do {
    const doc = await s3xml('GET', '/' + bucket, { query: { inventory: '', 'continuation-token': token } });
    for (const n of kids(doc.documentElement, 'InventoryConfiguration')) out.push(parseConfig(n));
    token = tx(doc, 'IsTruncated') === 'true' ? tx(doc, 'NextContinuationToken') : undefined;
  } while (token);
  return out;
}

// AWS's documented destination policy: s3.amazonaws.com may write this source's reports.
async function allowDelivery(source, c, account) {
  const stmt = {
    Sid: `StocktakeInventory-${source}-${c.id}`.replace(/[^A-Za-z0-9-]/g, '-'),
    Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 's3:PutObject',
    Resource: [`arn:aws:s3:::${c.destBucket}/${c.destPrefix}*`],
    Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${source}` }, StringEquals: { 'aws:SourceAccount': account, 's3:x-amz-acl': 'bucket-owner-full-control' } },
  };
  let policy = { Version: '2012-10-17', Statement: [] };
  try {
    const resp = await s3('GET', '/' + c.destBucket, { query: { policy: '' } });
    policy = JSON.parse(await resp.text());
  } catch (e) {
    if (!(e instanceof S3Error) || e.code !== 'NoSuchBucketPolicy') throw e;
  }
  policy.Statement = [...(policy.Statement || []).filter((s) => s.Sid !== stmt.Sid), stmt];
  await s3('PUT', '/' + c.destBucket, { query: { policy: '' }, body: JSON.stringify(policy), headers: { 'Content-Type': 'application/json' } });
}

function configForm(bucket, account, existing, onSaved) {
  const c = existing || { id: '', enabled: true, prefix: '', versions: 'Current', frequency: 'Daily', fields: ['Size', 'LastModifiedDate', 'StorageClass', 'ETag', 'EncryptionStatus'], destBucket: '', destAccount: '', destPrefix: '', format: 'CSV', encryption: 'none', kmsKey: '' };
  const id = h('input', { id: 'inv-id', value: c.id, required: true, readonly: !!existing });
  const enabled = h('input', { type: 'checkbox', id: 'inv-enabled', checked: c.enabled });
  const prefix = h('input', { id: 'inv-prefix', value: c.prefix, placeholder: 'only keys starting with' });
  const versions = h('select', { id: 'inv-versions' }, ['Current', 'All'].map((v) => h('option', { value: v, selected: v === c.versions }, v)));
  const freq = h('select', { id: 'inv-frequency' }, ['Daily', 'Weekly'].map((v) => h('option', { value: v, selected: v === c.frequency }, v)));
  const destBucket = h('input', { id: 'inv-dest', value: c.destBucket, required: true, placeholder: 'destination bucket' });
  const destAccount = h('input', { id: 'inv-dest-account', value: c.destAccount, placeholder: 'destination account id (optional)' });
  const destPrefix = h('input', { id: 'inv-dest-prefix', value: c.destPrefix, placeholder: 'report key prefix (optional)' });
  const format = h('select', { id: 'inv-format' }, ['CSV', 'ORC', 'Parquet'].map((v) => h('option', { value: v, selected: v === c.format }, v)));
  const enc = h('select', { id: 'inv-encryption' }, ['none', 'SSE-S3', 'SSE-KMS'].map((v) => h('option', { value: v, selected: v === c.encryption }, v)));
  const kms = h('input', { id: 'inv-kms', value: c.kmsKey, placeholder: 'KMS key ARN (SSE-KMS)' });
  const boxes = FIELDS.map((f) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: f, checked: c.fields.includes(f), class: 'inv-field' }), f));
  const policy = h('input', { type: 'checkbox', id: 'inv-policy', checked: !existing });
  const read = () => ({ id: id.value.trim(), enabled: enabled.checked, prefix: prefix.value, versions: versions.value, frequency: freq.value,
    destBucket: destBucket.value.trim(), destAccount: destAccount.value.trim(), destPrefix: destPrefix.value, format: format.value,
    encryption: enc.value, kmsKey: kms.value.trim(), fields: boxes.map((b) => b.firstChild).filter((x) => x.checked).map((x) => x.value) });
  return h('form', { class: 'card', id: 'inv-form', onsubmit: async (e) => {
    e.preventDefault();
    const cfg = read();
    const ok = await guard(async () => {
      if (policy.checked) await allowDelivery(bucket, cfg, account);
      await s3('PUT', '/' + bucket, { query: { inventory: '', id: cfg.id }, body: configXml(cfg) });
      return true;
    }, `Inventory configuration ${cfg.id} saved`);
    if (ok) onSaved();
  } }, h('h2', {}, existing ? `Edit ${c.id}` : 'New inventory configuration'),
  h('div', { class: 'grid' }, field('Id', id), field('Report scope: prefix', prefix), field('Object versions', versions), field('Frequency', freq),
    field('Destination bucket', destBucket), field('Destination account', destAccount), field('Destination prefix', destPrefix),
    field('Format', format), field('Report encryption', enc), field('KMS key', kms)),
  h('label', { class: 'check' }, enabled, 'Enabled'),
  h('fieldset', {}, h('legend', {}, 'Additional fields'), boxes),
  h('label', { class: 'check' }, policy, 'Add the bucket policy that lets S3 deliver the reports to the destination bucket (as the AWS console offers)'),
  h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'inv-save' }, 'Save')));
}

function fmtRate(r) { return r === null || r === undefined ? '' : `${Math.round(r)} rows/s`; }

function runRow(run, bucket) {
  const pct = run.rowsTotal ? Math.min(100, (100 * run.rows) / run.rowsTotal) : run.state === 'succeeded' ? 100 : null;
  const bar = h('progress', { max: 100, value: pct === null ? undefined : pct, class: 'run-progress' });
  const links = [];
  if (run.manifestKey) {
    links.push(h('button', { class: 'link', onclick: () => guard(async () => {
      const resp = await s3('GET', `/${run.destinationBucket}/${encodeKey(run.manifestKey)}`);
      saveBlob(await resp.blob(), 'manifest.json');
    }) }, 'manifest'));
    links.push(h('button', { class: 'link', onclick: () => showFiles(run) }, 'files'));
    links.push(h('a', { href: `#/b/${bucket}/charts/${encodeURIComponent(run.id)}` }, 'charts'));
  }
  return h('tr', { class: 'run state-' + run.state },
    h('td', {}, String(run.runId)), h('td', {}, run.id), h('td', { class: 'run-state' }, run.state),
    h('td', {}, run.startedAt || ''), h('td', {}, run.finishedAt || ''),
    h('td', {}, bar, ` ${run.rows}${run.rowsTotal ? ' / ' + run.rowsTotal : ''}`),
    h('td', {}, fmtRate(run.rate)), h('td', {}, run.etaSeconds === null || run.etaSeconds === undefined ? '' : `${run.etaSeconds}s`),
    h('td', {}, `${run.files} · ${fmtBytes(run.bytes)}`), h('td', { class: 'error' }, run.error || ''), h('td', {}, links));
}

async function showFiles(run) {
  await guard(async () => {
    const resp = await s3('GET', `/${run.destinationBucket}/${encodeKey(run.manifestKey)}`);
    const m = await resp.json();
    const list = h('ul', { id: 'file-list' }, m.files.map((f) => h('li', {}, h('button', { class: 'link', onclick: () => guard(async () => {
      const r = await s3('GET', `/${run.destinationBucket}/${encodeKey(f.key)}`);
      saveBlob(await r.blob(), f.key.split('/').pop());
    }) }, f.key), ` ${fmtBytes(f.size)} md5 ${f.MD5checksum}`)));
    document.getElementById('files-of-run').replaceChildren(h('h3', {}, `Files of run ${run.runId}`), list);
  });
}

let poller = null;

export async function inventoryPage(bucket, account, editId) {
  if (poller) { clearInterval(poller); poller = null; }
  const configs = await listConfigs(bucket);
  const editing = editId ? configs.find((c) => c.id === editId) : null;
  const history = h('tbody', { id: 'run-history' });
  const historyNote = h('p', { class: 'note' });
  const refresh = async () => {
    if (!document.body.contains(history)) { clearInterval(poller); poller = null; return; }
    try {
      const st = await admin('GET', 'inventory/status', { bucket, limit: 20 });
      history.replaceChildren(...st.runs.map((r) => runRow(r, bucket)));
      historyNote.textContent = st.runs.length ? '' : 'No runs yet.';
      const busy = st.runs.some((r) => r.state === 'running' || r.state === 'cancelling');
      if (busy && !poller) poller = setInterval(refresh, 1000);
      if (!busy && poller) { clearInterval(poller); poller = null; }
    } catch (e) {
      historyNote.textContent = e.code === 'NoSuchBucket' || e.code === 'NotImplemented'
        ? 'This server has no admin API (/_stocktake/api/): Run now and the run history need it.'
        : `Run history unavailable: ${e.message}`;
    }
  };
  const rows = configs.map((c) => h('tr', {},
    h('td', {}, c.id), h('td', {}, c.enabled ? 'yes' : 'no'), h('td', {}, c.format), h('td', {}, c.frequency), h('td', {}, c.versions),
    h('td', {}, `${c.destBucket}/${c.destPrefix}`), h('td', {}, c.prefix), h('td', {}, c.fields.join(', ')),
    h('td', {}, h('button', { class: 'run-now', onclick: async () => {
      const r = await guard(() => admin('POST', 'inventory/run', { bucket, id: c.id }), `Run of ${c.id} started`);
      if (r) refresh();
    } }, 'Run now'), ' ',
    h('button', { onclick: () => guard(() => admin('POST', 'inventory/cancel', { bucket, id: c.id }), 'Cancel requested').then(refresh) }, 'Cancel'), ' ',
    h('a', { href: `#/b/${bucket}/inventory/edit/${encodeURIComponent(c.id)}` }, 'Edit'), ' ',
    h('a', { href: `#/b/${bucket}/charts/${encodeURIComponent(c.id)}` }, 'Charts'), ' ',
    h('button', { class: 'danger', onclick: async () => {
      if (!confirmAsk(`Delete inventory configuration ${c.id}?`)) return;
      await guard(() => s3('DELETE', '/' + bucket, { query: { inventory: '', id: c.id } }), `${c.id} deleted`);
      inventoryPage(bucket, account);
    } }, 'Delete'))));
  setMain(h('h1', {}, h('a', { href: `#/b/${bucket}` }, bucket), ' · inventory'),
    table(['Id', 'Enabled', 'Format', 'Frequency', 'Versions', 'Destination', 'Prefix', 'Fields', ''], rows, { id: 'inv-table' }),
    configForm(bucket, account, editing, () => { location.hash = `#/b/${bucket}/inventory`; inventoryPage(bucket, account); }),
    h('section', { class: 'card' }, h('h2', {}, 'Run history'), historyNote,
      h('table', { id: 'run-table' }, h('thead', {}, h('tr', {}, ['Run', 'Config', 'State', 'Started', 'Finished', 'Rows', 'Rate', 'ETA', 'Files', 'Error', 'Report'].map((x) => h('th', {}, x)))), history),
      h('div', { id: 'files-of-run' })));
  refresh();
}

