// bench/portal-render.mjs: how long the portal takes from the list's API
// answer to the table on screen, in Debian's chromium.
//
//   node bench/portal-render.mjs BASE_URL EMAIL PASSWORD [PATH] [RUNS]
//
// e.g. against ./scripts/run with demo data:
//   node bench/portal-render.mjs http://127.0.0.1:8080 agent@tix.test demo-agent-1 /agent/tickets?queue=all 20
//
// Each run reloads PATH and takes, from the page's own clocks, the end of
// the last /api/tickets response (Resource Timing) and the moment the
// table#ticket-list was in the DOM (a MutationObserver set up before any
// script ran).  Prints min / median / max of the difference in ms.
// Needs playwright-core: `npm ci` in tests/e2e (scripts/test does it).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/', import.meta.url));
const { chromium } = require('playwright-core');

const [base, email, password, path = '/agent/tickets?queue=all', runsArg = '20'] =
  process.argv.slice(2);
if (!base || !email || !password) {
  console.error('usage: node bench/portal-render.mjs BASE_URL EMAIL PASSWORD [PATH] [RUNS]');
  process.exit(2);
}
const runs = Math.max(1, Number(runsArg));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox'] });
const page = await browser.newPage({ baseURL: base, viewport: { width: 1280, height: 900 } });
await page.addInitScript(() => {
  new MutationObserver((_, obs) => {
    if (document.getElementById('ticket-list')) {
      window.__tableAt = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
});
await page.goto('/login');
await page.fill('#login-email', email);
await page.fill('#login-password', password);
await page.click('#login-submit');
await page.waitForSelector('#ticket-list, .empty');

const samples = [];
let rows = 0;
for (let i = 0; i < runs; i++) {
  await page.goto(path);
  await page.waitForFunction(() => window.__tableAt !== undefined);
  const r = await page.evaluate(() => {
    const lists = performance.getEntriesByType('resource')
      .filter((e) => /\/api\/tickets(\?|$)/.test(e.name));
    const last = Math.max(...lists.map((e) => e.responseEnd));
    return { ms: window.__tableAt - last,
      rows: document.querySelectorAll('#ticket-list tbody tr').length };
  });
  samples.push(r.ms);
  rows = r.rows;
}
await browser.close();
samples.sort((a, b) => a - b);
const f = (x) => x.toFixed(1);
console.log(`${path}: ${rows} rows, ${runs} runs: API answer → table on screen ` +
  `min ${f(samples[0])} ms, median ${f(samples[Math.floor(runs / 2)])} ms, ` +
  `max ${f(samples[runs - 1])} ms`);
