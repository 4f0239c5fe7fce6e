// report.js — an inventory report read the way Athena reads it: manifest.json names the data
// files and their schema; CSV.gz is gunzipped in the browser (DecompressionStream) and parsed,
// Parquet is read with hyparquet. Rows come out as objects keyed by the normalized field name
// ("lastmodifieddate" for LastModifiedDate and last_modified_date alike).
import { parquetReadObjects } from 'hyparquet';
import { s3, s3xml, tx, all, encodeKey } from './api.js';

export const norm = (s) => String(s).toLowerCase().replace(/[^a-z0-9]/g, '');

export function reportBase(c, source) {
  const p = c.destPrefix.replace(/\/$/, '');
  return `${p ? p + '/' : ''}${source}/${c.id}/`;
}

// The report dates of configuration c ("YYYY-MM-DDTHH-MMZ"), oldest first.
export async function reportDates(c, source) {
  const base = reportBase(c, source);
  const dates = [];
  let token;
  do {
    const doc = await s3xml('GET', '/' + c.destBucket, { query: { 'list-type': '2', prefix: base, delimiter: '/', 'continuation-token': token } });
    for (const p of all(doc, 'CommonPrefixes')) {
      const d = tx(p, 'Prefix').slice(base.length, -1);
      if (/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z$/.test(d)) dates.push(d);
    }
    token = tx(doc, 'IsTruncated') === 'true' ? tx(doc, 'NextContinuationToken') : undefined;
  } while (token);
  return dates.sort();
}

export async function readManifest(bucket, key) {
  const resp = await s3('GET', `/${bucket}/${encodeKey(key)}`);
  return resp.json();
}

// CSV as inventory writes it: every field quoted, "" inside a quoted field is a quote.
export function parseCsv(text) {
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') { f += '"'; i++; } else q = false;
      } else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(f); f = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(f); rows.push(row); row = []; f = '';
    } else f += ch;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

async function gunzipText(blob) {
  const stream = blob.stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

export async function readRows(bucket, manifest) {
  const format = manifest.fileFormat;
  const rows = [];
  for (const f of manifest.files) {
    const resp = await s3('GET', `/${bucket}/${encodeKey(f.key)}`);
    if (format === 'CSV') {
      const cols = manifest.fileSchema.split(',').map((s) => norm(s.trim()));
      for (const r of parseCsv(await gunzipText(await resp.blob()))) {
        const o = {};
        cols.forEach((c, i) => { o[c] = r[i]; });
        try { o.key = decodeURIComponent((o.key || '').replace(/\+/g, ' ')); } catch { /* as written */ }
        rows.push(o);
      }
    } else if (format === 'Parquet') {
      const buf = await resp.arrayBuffer();
      for (const r of await parquetReadObjects({ file: buf })) {
        const o = {};
        for (const [k, v] of Object.entries(r)) o[norm(k)] = v;
        rows.push(o);
      }
    } else {
      throw new Error(`${format} reports are not read in the browser (only CSV and Parquet); query them with Athena, Trino or DuckDB`);
    }
  }
  return rows;
}

const num = (v) => (v === null || v === undefined || v === '' ? 0 : Number(v));
const truthy = (v) => v === true || v === 'true';
const toMs = (v) => (v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Date.parse(v));

export const SIZE_BUCKETS = [[0, '0 B'], [1024, '< 1 KiB'], [65536, '< 64 KiB'], [1 << 20, '< 1 MiB'], [16 << 20, '< 16 MiB'], [128 << 20, '< 128 MiB'], [1 << 30, '< 1 GiB'], [Infinity, '≥ 1 GiB']];
export const AGE_BUCKETS = [[1, '< 1 day'], [7, '1–7 days'], [30, '7–30 days'], [90, '30–90 days'], [365, '90–365 days'], [Infinity, '≥ 1 year']];

// What the charts show, from a report's rows; nowMs is the report's creation time.
export function summarize(rows, nowMs) {
  const by = (name) => {
    const m = new Map();
    for (const r of rows) {
      const k = r[name] === undefined || r[name] === null || r[name] === '' ? '(none)' : String(r[name]);
      const e = m.get(k) || { objects: 0, bytes: 0 };
      e.objects++;
      e.bytes += num(r.size);
      m.set(k, e);
    }
    return m;
  };
  rows = rows.filter((r) => !truthy(r.isdeletemarker));
  const sizes = SIZE_BUCKETS.map(() => 0);
  const ages = AGE_BUCKETS.map(() => 0);
  const prefixes = new Map();
  let bytes = 0;
  for (const r of rows) {
    const s = num(r.size);
    bytes += s;
    sizes[SIZE_BUCKETS.findIndex(([lim]) => (lim === 0 ? s === 0 : s < lim))]++;
    const lm = toMs(r.lastmodifieddate);
    if (!isNaN(lm)) ages[AGE_BUCKETS.findIndex(([d]) => (nowMs - lm) / 86400000 < d)]++;
    const key = String(r.key || '');
    const p = key.includes('/') ? key.slice(0, key.indexOf('/') + 1) : '(top level)';
    prefixes.set(p, (prefixes.get(p) || 0) + s);
  }
  return {
    objects: rows.length, bytes,
    storageClass: by('storageclass'), encryption: by('encryptionstatus'), replication: by('replicationstatus'), lockMode: by('objectlockmode'),
    sizes, ages, topPrefixes: [...prefixes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10),
    columns: rows.length ? Object.keys(rows[0]) : [],
  };
}
