// scripts/portal-screenshots.mjs: the screenshots of docs/portal.md, taken
// from a running ./scripts/run with its demo data (scripts/seed).
//
//   node scripts/portal-screenshots.mjs [BASE_URL] [OUT_DIR]
//
// BASE_URL defaults to http://127.0.0.1:8080, OUT_DIR to docs/portal.
// Needs playwright-core (`npm ci` in tests/e2e; scripts/test does it) and
// Debian's chromium.  The browser tests take their own screenshots of
// their own data into the test log directory.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { deflateSync } from 'node:zlib';

const require = createRequire(new URL('../tests/e2e/', import.meta.url));
const { chromium } = require('playwright-core');

const base = process.argv[2] || 'http://127.0.0.1:8080';
const out = process.argv[3] || new URL('../docs/portal/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

// A screenshot-sized PNG for the create form (the page checks its bytes).
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + width * 3, 0xd0);
  row[0] = 0;
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const files = mkdtempSync(join(tmpdir(), 'tix-shots.'));
writeFileSync(join(files, 'activation-error.png'), png(640, 360));
writeFileSync(join(files, 'licensing.log'),
  '2026-12-03 09:12:44 ERROR activation: maximum activations reached (3 of 3)\n');

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox'] });

async function as(email, password, width = 1280) {
  const page = await browser.newPage({ baseURL: base, viewport: { width, height: 900 } });
  await page.goto('/login');
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#ticket-list, .empty');
  return page;
}

async function shot(page, name, path, ready) {
  if (path) await page.goto(path);
  await page.waitForSelector(ready);
  await page.screenshot({ path: join(out, `portal-${name}.png`), fullPage: true });
  console.log(`portal-${name}.png`);
}

const alice = await as('alice@acme.test', 'demo-alice-1');
await shot(alice, 'customer-list', '/customer/tickets', '#ticket-list');
await alice.goto('/customer/tickets/new');
await alice.fill('#f-subject', 'Activation fails on the new build server');
await alice.selectOption('#f-category', 'license');
await alice.selectOption('#f-priority', 'high');
await alice.fill('#f-description', 'Activating AC3ME-7K2PQ-9XLMN-4RT8W on build-02 fails with ' +
  '"maximum activations reached". We retired build-01 last week.');
await alice.fill('#f-license_key', 'AC3ME-7K2PQ-9XLMN-4RT8W');
await alice.setInputFiles('#f-attachments', [join(files, 'activation-error.png'),
  join(files, 'licensing.log')]);
await shot(alice, 'create-with-file', null, '#file-list li[data-state=ok]');
await shot(alice, 'ticket-license', '/customer/tickets/TICK-1001', '#license');
await shot(alice, 'settings', '/customer/settings', '#settings');
const phone = await as('alice@acme.test', 'demo-alice-1', 375);
await shot(phone, 'ticket-phone', '/customer/tickets/TICK-1001', '#timeline');

const agent = await as('agent@tix.test', 'demo-agent-1');
await shot(agent, 'agent-queue', '/agent/tickets?queue=all', '#ticket-list');
await shot(agent, 'agent-ticket', '/agent/tickets/TICK-1002', 'li.entry.note');
await browser.close();
