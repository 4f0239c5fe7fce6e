// browser_flow.mjs — drives the console in headless Chromium (playwright-core) as a person
// would; tests/integration/test_console.py runs it against its server, one phase at a time:
//   node browser_flow.mjs signin|setup|report
// Environment: CONSOLE_URL, ACCESS_KEY, SECRET_KEY, ARTIFACTS (screenshots, state.json),
// SOURCE, DEST, CONFIG_ID, CHROMIUM (default /usr/bin/chromium), ADMIN_API (1: the admin API
// is there, the run is started with "Run now" and watched in the history).
// Any browser console error, page error or failed check ends it with exit status 1.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
const phase = process.argv[2];
const out = env.ARTIFACTS;
const url = env.CONSOLE_URL;
const statePath = path.join(out, 'state.json');
const errors = [];
// the configurations the flow makes: one CSV.gz report, one Parquet report
const CONFIGS = [[env.CONFIG_ID, 'CSV'], [env.CONFIG_ID + '-parquet', 'Parquet']];
let shot = 0;

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok - ' + what);
}

async function snap(page, name) {
  const file = path.join(out, `${phase}-${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

async function signIn(page, ak, sk) {
  await page.goto(url);
  await page.waitForSelector('#signin');
  await page.fill('#access-key', ak);
  await page.fill('#secret-key', sk);
  await page.click('#signin-button');
}

async function main() {
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext(phase === 'signin' || !fs.existsSync(statePath)
    ? { viewport: { width: 1400, height: 900 }, acceptDownloads: true }
    : { viewport: { width: 1400, height: 900 }, acceptDownloads: true, storageState: statePath });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  try {
    if (phase === 'signin') await phaseSignIn(page, context);
    else if (phase === 'setup') await phaseSetup(page);
    else if (phase === 'report') await phaseReport(page);
    else if (phase === 'history') await phaseHistory(page);
    else throw new Error('unknown phase ' + phase);
  } finally {
    await browser.close();
  }
  // Chromium logs every 4xx answer as a failed resource load, also the ones S3 gives for a
  // setting that is not configured (NoSuchLifecycleConfiguration, ...) and the refused sign-in,
  // which the page shows: those are kept in the artifacts, anything else fails the test
  const answered = errors.filter((e) => /Failed to load resource: the server responded with a status of 4\d\d/.test(e));
  fs.appendFileSync(path.join(out, 'expected-4xx.txt'), answered.map((e) => `${phase}: ${e}\n`).join(''));
  const real = errors.filter((e) => !answered.includes(e));
  if (real.length) throw new Error('browser console errors:\n' + real.join('\n'));
  console.log(`phase ${phase} passed`);
}

async function phaseSignIn(page, context) {
  await signIn(page, env.ACCESS_KEY, 'wrong-' + env.SECRET_KEY);
  await page.waitForFunction(() => document.querySelector('#signin-error')?.textContent.length > 0);
  const msg = await page.textContent('#signin-error');
  check(/wrong/i.test(msg), 'wrong credentials are refused: ' + msg);
  await snap(page, 'wrong-credentials');
  await page.fill('#access-key', env.ACCESS_KEY);
  await page.fill('#secret-key', env.SECRET_KEY);
  await page.click('#signin-button');
  await page.waitForSelector('#bucket-table');
  check((await page.textContent('#who')).includes(env.ACCESS_KEY), 'signed in, the header names the key');
  // the page holds no secret: not in storage, not in a cookie JavaScript can read
  const leaks = await page.evaluate((sk) => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage), document.body.innerHTML].filter((s) => s.includes(sk)).length, env.SECRET_KEY);
  check(leaks === 0 && (await page.evaluate(() => document.cookie)) === '', 'no secret or readable cookie in the page');
  await snap(page, 'buckets');
  await context.storageState({ path: statePath });
}

async function phaseSetup(page) {
  await page.goto(url);
  await page.waitForSelector('#bucket-table');
  for (const b of [env.SOURCE, env.DEST]) {
    // the list re-renders (form included) after each create: a fill that lands on the form
    // being replaced is lost, so submit again (CreateBucket of one's own bucket is idempotent)
    let shown = false;
    for (let attempt = 0; attempt < 3 && !shown; attempt++) {
      await page.waitForSelector('#new-bucket');
      await page.fill('#new-bucket', b);
      await page.click('#create-bucket');
      shown = await page.waitForSelector(`#bucket-table a.bucket-link:text-is("${b}")`,
        { timeout: 10000 }).then(() => true, () => false);
    }
    check(shown, `bucket ${b} is listed after Create bucket`);
  }
  check(true, 'created buckets ' + env.SOURCE + ' and ' + env.DEST);
  await snap(page, 'buckets-created');
  await page.click(`#bucket-table a.bucket-link:text-is("${env.SOURCE}")`);
  await page.waitForSelector('#upload-file');
  // a small file, and one past the part size: a multipart upload with a progress bar
  const big = Buffer.alloc(8 * 1024 * 1024 + 4096, 7);
  await page.setInputFiles('#upload-file', [
    { name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello from the console\n') },
    { name: 'big.bin', mimeType: 'application/octet-stream', buffer: big },
  ]);
  await page.click('#upload-button');
  await page.waitForSelector('#object-table a.obj:text-is("big.bin")', { timeout: 120000 });
  await page.waitForSelector('#object-table a.obj:text-is("hello.txt")');
  check(true, 'uploaded hello.txt and big.bin (multipart)');
  await snap(page, 'objects');
  await page.click('#object-table a.obj:text-is("hello.txt")');
  await page.waitForSelector('#tags');
  await page.fill('#tags', 'team=console');
  await page.click('button:text-is("Save tags")');
  await page.waitForSelector('.toast.ok:text-is("Tags saved")');
  check((await page.textContent('main')).includes('content-type'), 'object metadata shown, tags saved');
  await snap(page, 'object');
  await page.goto(`${url}#/b/${env.SOURCE}/settings`);
  await page.waitForSelector('#versioning');
  await page.selectOption('#versioning', 'Enabled');
  await page.click('section:has(#versioning) button');
  await page.waitForFunction(() => document.querySelector('#versioning-status')?.textContent === 'Enabled');
  check(true, 'versioning enabled from the settings page');
  await snap(page, 'settings');
  await page.goto(`${url}#/b/${env.SOURCE}/inventory`);
  for (const [id, format] of CONFIGS) {
    await page.waitForSelector('#inv-form');
    await page.fill('#inv-id', id);
    await page.fill('#inv-dest', env.DEST);
    await page.fill('#inv-dest-prefix', 'reports');
    await page.selectOption('#inv-format', format);
    for (const f of ['StorageClass', 'EncryptionStatus', 'ReplicationStatus', 'ObjectLockMode', 'Size', 'LastModifiedDate']) {
      await page.check(`input.inv-field[value="${f}"]`);
    }
    await page.click('#inv-save');
    await page.waitForSelector(`#inv-table td:text-is("${id}")`);
    check(true, `inventory configuration ${id} (${format}) saved with the destination policy`);
  }
  await snap(page, 'inventory-configured');
  if (env.ADMIN_API === '1') {
    for (const [id] of CONFIGS) {
      await page.click(`#inv-table tr:has(td:text-is("${id}")) button.run-now`);
      await page.waitForSelector(`#run-history tr.run:has(td:text-is("${id}"))`);
      await snap(page, 'run-started');
      await page.waitForSelector(`#run-history tr.state-succeeded:has(td:text-is("${id}"))`, { timeout: 120000 });
      check(true, `run now: the history shows the run of ${id} succeeded`);
    }
    await snap(page, 'run-history');
  }
}

async function phaseReport(page) {
  await page.goto(`${url}#/b/${env.SOURCE}/inventory`);
  await page.waitForSelector('#inv-table');
  if (env.ADMIN_API === '1') {
    await page.waitForSelector('#run-history tr.state-succeeded');
    const text = await page.textContent('#run-history');
    check(CONFIGS.every(([id]) => text.includes(id)), 'run history lists the runs');
  }
  await snap(page, 'inventory');
  for (const [id, format] of CONFIGS) {
    await page.goto(`${url}#/b/${env.SOURCE}/charts/${id}`);
    // a hash change: the previous page's charts stay in the DOM until the router renders this
    // one, so wait for this configuration's report, not just any drawn charts
    await page.waitForFunction((f) => {
      const grid = document.querySelector('#charts');
      const st = document.querySelector('#charts-status');
      return grid && grid.dataset.ready === 'true' && st && st.textContent.includes(`(${f},`);
    }, format, { timeout: 60000 });
    const status = await page.textContent('#charts-status');
    check(status.includes(`(${format},`) && / 2 objects/.test(status), 'charts read the report: ' + status);
    const n = await page.$$eval('#charts canvas', (cs) => cs.length);
    check(n === 8, `all ${n} charts drawn`);
    await page.waitForTimeout(500);
    await snap(page, `charts-${format}`);
  }
}

// The history's rendering of the admin API's answers as docs/ADMIN-API.md gives them: the
// status answers are served by the test (page.route) from a script of states: running with
// progress, then succeeded with the real report's manifest, whose files the page lists.
async function phaseHistory(page) {
  const manifestKey = env.MANIFEST_KEY;
  const run = (over) => ({ runId: 7, bucket: env.SOURCE, id: env.CONFIG_ID, state: 'running', startedAt: '2026-12-03T10:00:00Z',
    finishedAt: null, reportAt: '2026-12-03T10:00:00Z', rows: 500, rowsTotal: 1000, rate: 250, etaSeconds: 2, files: 0, bytes: 0,
    error: null, manifestKey: null, destinationBucket: env.DEST, ...over });
  const script = [run({}), run({ rows: 900, etaSeconds: 1 }),
    run({ state: 'succeeded', rows: 1000, finishedAt: '2026-12-03T10:00:04Z', etaSeconds: 0, files: 1, bytes: 1234, manifestKey })];
  let polls = 0, started = 0;
  await page.route('**/_stocktake/api/inventory/**', async (route) => {
    const u = new URL(route.request().url());
    const hdr = route.request().headers()['x-stocktake-console'];
    if (hdr !== '1') return route.fulfill({ status: 403, contentType: 'application/json', body: '{"error":"AccessDenied","message":"no header"}' });
    if (u.pathname.endsWith('/run')) {
      started++;
      return route.fulfill({ status: 202, contentType: 'application/json', body: JSON.stringify({ bucket: env.SOURCE, id: u.searchParams.get('id'), runId: 7, state: 'running' }) });
    }
    const runs = started ? [script[Math.min(polls++, script.length - 1)]] : [];
    const failed = run({ runId: 6, state: 'failed', rows: 10, finishedAt: '2026-12-02T10:00:01Z', error: 'AccessDenied: the destination policy does not let S3 write', rate: 0, etaSeconds: null });
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ runs: [...runs, failed] }) });
  });
  await page.goto(`${url}#/b/${env.SOURCE}/inventory`);
  await page.waitForSelector('#run-history tr.state-failed');
  check((await page.textContent('#run-history')).includes('destination policy does not let S3 write'), 'a failed run shows its error');
  await page.click(`#inv-table tr:has(td:text-is("${env.CONFIG_ID}")) button.run-now`);
  await page.waitForSelector('#run-history tr.state-running');
  const row = await page.textContent('#run-history tr.state-running');
  check(/500 \/ 1000/.test(row) && row.includes('250 rows/s') && row.includes('2s'), 'live progress: rows, rate, ETA: ' + row);
  check(await page.$eval('#run-history tr.state-running progress', (p) => p.value) === 50, 'the progress bar is at 50%');
  await snap(page, 'progress');
  await page.waitForSelector('#run-history tr.state-succeeded', { timeout: 20000 });
  check(polls >= 3, `the history was polled while the run ran (${polls} polls)`);
  await page.click('#run-history tr.state-succeeded button:text-is("files")');
  await page.waitForSelector('#file-list li');
  check((await page.textContent('#file-list')).includes('/data/'), 'the run links to its report files');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#run-history tr.state-succeeded button:text-is("manifest")')]);
  const saved = path.join(out, 'downloaded-manifest.json');
  await dl.saveAs(saved);
  check(JSON.parse(fs.readFileSync(saved, 'utf8')).files.length === 1, 'the manifest link downloads manifest.json');
  await snap(page, 'history');
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
