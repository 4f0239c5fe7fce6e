// charts.js — charts of a configuration's latest report, computed from the report files
// (report.js), and the trend across its report dates; drawn with Chart.js.
import Chart from 'chart.js/auto';
import { fmtBytes } from './api.js';
import { h, setMain } from './ui.js';
import { listConfigs } from './inventory.js';
import { reportDates, reportBase, readManifest, readRows, summarize, SIZE_BUCKETS, AGE_BUCKETS } from './report.js';

Chart.defaults.animation = false;
const TREND_MAX = 12;

function chart(id, title, type, labels, datasets, opts = {}) {
  const canvas = h('canvas', { id, 'aria-label': title, role: 'img' });
  const box = h('figure', { class: 'chart' }, h('figcaption', {}, title), h('div', { class: 'chart-box' }, canvas));
  requestAnimationFrame(() => new Chart(canvas, {
    type, data: { labels, datasets },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: datasets.length > 1 || type === 'doughnut' } }, ...opts },
  }));
  return box;
}

function byChart(id, title, m) {
  const labels = [...m.keys()];
  return chart(id, title, 'bar', labels, [
    { label: 'objects', data: labels.map((k) => m.get(k).objects), yAxisID: 'y' },
    { label: 'bytes', data: labels.map((k) => m.get(k).bytes), yAxisID: 'y1' },
  ], { scales: { y: { position: 'left', title: { display: true, text: 'objects' } }, y1: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'bytes' } } } });
}

export async function chartsPage(bucket, id) {
  const c = (await listConfigs(bucket)).find((x) => x.id === id);
  if (!c) throw new Error(`no inventory configuration ${id} on ${bucket}`);
  const status = h('p', { id: 'charts-status' }, 'Reading the reports…');
  const grid = h('div', { class: 'charts', id: 'charts' });
  setMain(h('h1', {}, h('a', { href: `#/b/${bucket}/inventory` }, bucket), ` · inventory ${id} · charts`), status, grid);
  const dates = await reportDates(c, bucket);
  if (!dates.length) { status.textContent = 'No report yet: run the configuration first.'; return; }
  const base = reportBase(c, bucket);
  const latest = dates[dates.length - 1];
  const manifest = await readManifest(c.destBucket, `${base}${latest}/manifest.json`);
  const rows = await readRows(c.destBucket, manifest);
  const s = summarize(rows, Number(manifest.creationTimestamp) || Date.now());
  status.textContent = `Report ${latest} (${manifest.fileFormat}, ${manifest.files.length} file(s)): ${s.objects} objects, ${fmtBytes(s.bytes)}.`;
  const missing = ['storageclass', 'encryptionstatus', 'replicationstatus', 'objectlockmode', 'size', 'lastmodifieddate'].filter((f) => !s.columns.includes(f));
  if (missing.length) status.append(h('br'), `The report lacks ${missing.join(', ')}: add those fields to the configuration for their charts.`);
  grid.append(
    byChart('chart-storage-class', 'By storage class', s.storageClass),
    byChart('chart-encryption', 'By encryption status', s.encryption),
    byChart('chart-replication', 'By replication status', s.replication),
    byChart('chart-lock-mode', 'By Object Lock mode', s.lockMode),
    chart('chart-sizes', 'Object sizes', 'bar', SIZE_BUCKETS.map((b) => b[1]), [{ label: 'objects', data: s.sizes }]),
    chart('chart-ages', 'Object age at the report', 'bar', AGE_BUCKETS.map((b) => b[1]), [{ label: 'objects', data: s.ages }]),
    chart('chart-prefixes', 'Top prefixes by bytes', 'bar', s.topPrefixes.map((p) => p[0]), [{ label: 'bytes', data: s.topPrefixes.map((p) => p[1]) }], { indexAxis: 'y' }));
  // the trend: every report date's totals (the latest TREND_MAX), from their own files
  const trendDates = dates.slice(-TREND_MAX);
  const totals = [];
  for (const d of trendDates) {
    if (d === latest) { totals.push({ objects: s.objects, bytes: s.bytes }); continue; }
    try {
      const m = await readManifest(c.destBucket, `${base}${d}/manifest.json`);
      const t = summarize(await readRows(c.destBucket, m), Number(m.creationTimestamp));
      totals.push({ objects: t.objects, bytes: t.bytes });
    } catch {
      totals.push({ objects: null, bytes: null });
    }
  }
  grid.append(chart('chart-trend', 'Trend across report dates', 'line', trendDates, [
    { label: 'objects', data: totals.map((t) => t.objects), yAxisID: 'y' },
    { label: 'bytes', data: totals.map((t) => t.bytes), yAxisID: 'y1' },
  ], { scales: { y: { position: 'left' }, y1: { position: 'right', grid: { drawOnChartArea: false } } } }));
  grid.dataset.ready = 'true';
}
