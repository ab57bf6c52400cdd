// What the browser tests share: the stack's address, users made with
// tix-admin, Debian's chromium through playwright-core, a guard on every
// page (script errors, dialogs, CSP violations, requests to other hosts),
// axe-core, screenshots, a small API client for quick setup, and test
// files (PNG, text, executables) made on the spot.
//
// Environment (scripts/test sets it):
//   TIX_TEST_BASE_URL       the portal (nginx), e.g. http://127.0.0.1:8080
//   TIX_TEST_LOG_DIR        screenshots, chromium.log (the browser's own log)
//                           and portal-console.log (what the pages logged)
//   TIX_DATABASE_URL        for tix-admin (on PATH)
//   TIX_E2E_SCREENSHOT_DIR  optional: screenshots are copied here too
//                           (scripts/test removes its logs after a green run)

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync,
  openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join } from 'node:path';
import { after, afterEach, before } from 'node:test';
import { deflateSync } from 'node:zlib';

const { chromium } = await import('playwright-core').catch((e) => {
  throw new Error(`${e.message}: run "npm ci" in tests/e2e (scripts/test does)`);
});

function requireEnv(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests through scripts/test`);
  return v;
}

export const baseURL = requireEnv('TIX_TEST_BASE_URL').replace(/\/+$/, '');
export const logDir = requireEnv('TIX_TEST_LOG_DIR');
const origin = new URL(baseURL).origin;
const consoleLog = join(logDir, 'portal-console.log');

// Playwright's own waits: long enough for a sanitizer build, short enough
// that a missing element fails a step in seconds, not minutes.
const ACTION_TIMEOUT = 5000;
const NAVIGATION_TIMEOUT = 15000;

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };

// ------------------------------------------------------------ users

// A random word of lower-case letters only, safe for the text search.
export function uniqueWord() {
  const letters = 'bcdfghjklmnpqrtvwxz';
  return 'qz' + Array.from(randomBytes(10), (b) => letters[b % letters.length]).join('');
}

export function tixAdmin(args, input) {
  return execFileSync('tix-admin', args, { input, encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'] });
}

// makeUser('customer', { account, timezone, name }): a new user with a
// unique email, made by tix-admin (the password on its standard input).
export function makeUser(role, { account, timezone = 'UTC', name } = {}) {
  const tag = randomUUID().replaceAll('-', '').slice(0, 12);
  const user = {
    role,
    email: `${role}-${tag}@example.com`,
    password: `pw-${randomUUID()}`,
    name: name || `${role[0].toUpperCase()}${role.slice(1)} ${tag}`,
    account: account || `acct-${tag}`,
    timezone,
  };
  tixAdmin(['user', 'add', '--email', user.email, '--name', user.name,
    '--role', role, '--account', user.account, '--timezone', timezone],
  user.password + '\n');
  return user;
}

// ------------------------------------------------------------ TOTP

// RFC 6238 with SHA-1, 6 digits, 30-second steps (checked against the
// RFC's vectors in tests/api/test_twofactor.py, same algorithm).
function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s) bits += abc.indexOf(c).toString(2).padStart(5, '0');
  const out = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}

// The code of the base32 SECRET at time step STEP.
export function codeAt(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1e6).padStart(6, '0');
}

// The current step, once it has a few seconds left.
export async function midStep() {
  const left = 30 - (Date.now() / 1000) % 30;
  if (left < 6) await new Promise((r) => setTimeout(r, (left + 0.2) * 1000));
  return Math.floor(Date.now() / 30000);
}

// A license of ACCOUNT with 3 activations of which MACHINES are used.
export function makeLicense(account, product, machines) {
  const group = () => Array.from(randomBytes(5),
    (b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 32]).join('');
  const key = [group(), group(), group(), group()].join('-');
  tixAdmin(['license', 'add', '--key', key, '--account', account,
    '--product', product, '--max-activations', '3']);
  for (const m of machines) tixAdmin(['activation', 'add', '--key', key, '--machine', m]);
  return key;
}

// YYYY-MM-DD of today in TIMEZONE (the list's date filters are in the
// account's timezone).
export function today(timezone, plusDays = 0) {
  const d = new Date(Date.now() + plusDays * 86400000);
  // From the parts: how a locale orders them depends on the ICU data.
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en', { timeZone: timezone,
    year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

// -------------------------------------------------------------- API

// The HTTP API with one user's session, for setting up state quickly.
export class Api {
  constructor(cookie, csrf, user) {
    this.cookie = cookie;
    this.csrf = csrf;
    this.user = user;
  }

  static async login(user) {
    const res = await fetch(baseURL + '/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const body = await res.json();
    assert.equal(res.status, 200, `login of ${user.email}: ${JSON.stringify(body)}`);
    const cookie = /tix_session=[^;]*/.exec(res.headers.get('set-cookie'));
    assert.ok(cookie, 'no session cookie from login');
    return new Api(cookie[0], body.csrf_token, body.user);
  }

  async request(method, path, body) {
    const headers = { Accept: 'application/json', Cookie: this.cookie };
    if (method !== 'GET') headers['X-CSRF-Token'] = this.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(baseURL + path, { method, headers,
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  // The body of a GET as bytes (an attachment).
  async bytes(path) {
    const res = await fetch(baseURL + path, { headers: { Cookie: this.cookie } });
    assert.equal(res.status, 200, `GET ${path}`);
    return Buffer.from(await res.arrayBuffer());
  }

  get(path) { return this.request('GET', path); }
  post(path, body) { return this.request('POST', path, body); }
  patch(path, body) { return this.request('PATCH', path, body); }

  // A ticket (detail object); fields as POST /api/tickets takes them.
  async createTicket(fields = {}) {
    const word = uniqueWord();
    const { ticket } = await this.post('/api/tickets', {
      subject: `Printer offline ${word}`,
      category: 'technical',
      description: `It stopped printing this morning. ${word}`,
      ...fields,
    });
    return ticket;
  }

  reply(number, body, internal = false) {
    return this.post(`/api/tickets/${number}/messages`, { body, internal });
  }

  async setTicket(number, changes) {
    return (await this.patch(`/api/tickets/${number}`, changes)).ticket;
  }
}

// ------------------------------------------------------------ words

// The portal's words for the API's values (the UI contract).
export const CUSTOMER_STATUS = { open: 'Open', in_progress: 'In Progress',
  waiting: 'Waiting for You', resolved: 'Resolved', closed: 'Closed' };
export const AGENT_STATUS = { ...CUSTOMER_STATUS, waiting: 'Waiting on customer' };

// The text of an element as the DOM has it (innerText would follow CSS,
// e.g. text-transform), white space collapsed.
export async function text(locator) {
  return (await locator.textContent()).replace(/\s+/g, ' ').trim();
}

// The cells of the ticket list's row for NUMBER, by column header:
// { 'Ticket #': 'TICK-1001', Subject: ..., ... }.
export async function listRow(page, number) {
  const table = page.locator('table#ticket-list');
  const row = table.locator(`tr[data-number="${number}"]`);
  await row.waitFor();
  const clean = (list) => list.map((t) => t.replace(/\s+/g, ' ').trim());
  const headers = clean(await table.locator('thead th').allTextContents());
  const cells = clean(await row.locator(':scope > td, :scope > th').allTextContents());
  assert.ok(headers.length > 0, 'the list has no column headers');
  assert.equal(cells.length, headers.length, `cells of ${number}`);
  return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
}

// The numbers of the list's rows, in order, once the list shows exactly
// the tickets of WANT (in any order); fails when it does not in time.
export async function listShows(page, want) {
  return eventually(async () => {
    const rows = await page.locator('table#ticket-list tbody tr[data-number]')
      .evaluateAll((trs) => trs.map((tr) => tr.dataset.number));
    assert.deepEqual([...rows].sort(), [...want].sort(), 'the tickets listed');
    return rows;
  });
}

// ------------------------------------------------------------ files

const tmp = mkdtempSync(join(tmpdir(), 'tix-e2e-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// A valid RGB PNG of SIZE x SIZE pixels.  Noise does not compress, so
// 1024 pixels square is about 3 MB: an upload long enough to watch.
export function pngFile(name, size = 2, noise = false) {
  const row = 1 + size * 3;
  const raw = noise ? randomBytes(row * size) : Buffer.alloc(row * size, 0x80);
  for (let y = 0; y < size; y++) raw[y * row] = 0;	// filter type: none
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);	// 8 bits, RGB, deflate, no filter, no interlace
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw, { level: 1 })),
    pngChunk('IEND', Buffer.alloc(0))]);
  return writeTemp(name, png);
}

export function writeTemp(name, content) {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

// ---------------------------------------------------------- browser

const problems = new WeakMap();

// Records on PAGE what must never happen: console errors (other than the
// browser's note on an HTTP error status, which the portal handles: a 401
// from /api/auth/me when signed out, a 404 for a ticket not found),
// uncaught exceptions, alert/confirm/prompt dialogs, CSP violations,
// server errors, and any request to another origin.
function guard(page, label, pageOrigin = origin) {
  const list = [];
  problems.set(page, list);
  const log = (line) => appendFileSync(consoleLog, `[${label}] ${line}\n`);
  // Each problem with the address the page was at.
  const record = (what) => list.push(`${page.url()}: ${what}`);
  page.on('console', (m) => {
    const message = m.text();
    log(`console.${m.type()}: ${message}`);
    const httpStatus = /^Failed to load resource: the server responded with a status of 4\d\d/;
    if ((m.type() === 'error' && !httpStatus.test(message)) || /Content Security Policy/i.test(message)) {
      record(`console ${m.type()}: ${message}`);
    }
  });
  page.on('pageerror', (e) => {
    log(`uncaught: ${e.stack || e}`);
    record(`uncaught exception: ${e.message}`);
  });
  page.on('dialog', (d) => {
    record(`${d.type()} dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('request', (r) => {
    const url = r.url();
    // data: URLs reach no host at all.
    if (!url.startsWith('data:') && new URL(url).origin !== pageOrigin) {
      record(`request to another origin: ${r.method()} ${url}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 500) record(`server error: ${r.status()} ${r.request().method()} ${r.url()}`);
  });
}

export function assertClean(page) {
  assert.deepEqual(problems.get(page), [], 'what went wrong in the page');
}

// useBrowser(): one chromium for the test file (call it inside describe).
// Every page comes from a context of its own (its own cookies), guarded;
// the contexts of a test are closed after it.
export function useBrowser() {
  let browser;
  let contexts = [];
  let pages = 0;
  before(async () => {
    mkdirSync(logDir, { recursive: true });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--enable-logging', `--log-file=${join(logDir, 'chromium.log')}`],
    });
  });
  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
  });
  after(async () => {
    await browser?.close();
  });
  return {
    // newPage({ user, viewport, base }): signed in as USER when given;
    // BASE: another front of the same stack (staffTwoFactorFront).
    async newPage({ user, viewport = DESKTOP, base = baseURL } = {}) {
      // The browser's clock is in UTC: the portal's dates must follow
      // the account's timezone, not the machine's.
      const context = await browser.newContext({ baseURL: base, viewport,
        timezoneId: 'UTC', locale: 'en-US' });
      contexts.push(context);
      context.setDefaultTimeout(ACTION_TIMEOUT);
      context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT);
      const page = await context.newPage();
      guard(page, `${basename(process.argv[1] || 'e2e')} page ${++pages}${user ? ' ' + user.email : ''}`,
        new URL(base).origin);
      if (user) await signIn(page, user);
      return page;
    },
  };
}

// Signs USER in through the /login form (the one on screen, when the
// page is already there, e.g. after a redirect with ?next=), and waits
// until the portal has left /login.
export async function signIn(page, user) {
  if (new URL(page.url(), baseURL).pathname !== '/login') await page.goto('/login');
  await page.locator('#login-email').fill(user.email);
  await page.locator('#login-password').fill(user.password);
  await page.locator('#login-submit').click();
  await page.waitForURL((u) => u.pathname !== '/login');
}

// Limits PAGE's uploads to BYTES_PER_SECOND, so that an upload of a few
// MB lasts long enough to see its progress bar.  Returns the function
// that lifts the limit.
export async function throttleUploads(page, bytesPerSecond) {
  const cdp = await page.context().newCDPSession(page);
  const conditions = (upload) => cdp.send('Network.emulateNetworkConditions',
    { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: upload });
  await cdp.send('Network.enable');
  await conditions(bytesPerSecond);
  return async () => {
    await conditions(-1);
    await cdp.detach();
  };
}

// Polls FN (an async function with assertions) until it passes, so that a
// check may run while the page is still rendering.
export async function eventually(fn, timeout = ACTION_TIMEOUT) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ------------------------------------------------------ screenshots

export async function screenshot(page, name) {
  const path = join(logDir, `portal-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const extra = process.env.TIX_E2E_SCREENSHOT_DIR;
  if (extra) {
    mkdirSync(extra, { recursive: true });
    copyFileSync(path, join(extra, basename(path)));
  }
  return path;
}

// ------------------------------------------------------------- axe

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The serious and critical WCAG 2.0/2.1 A and AA violations on the page.
// The source goes in through evaluate: the CSP (default-src 'self') would
// block it as an inline <script>.
export async function axe(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

// Each violation's id, help and the elements it was found on.
export function describeViolations(violations) {
  return violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n  ');
}

export async function assertAccessible(page) {
  const violations = await axe(page);
  assert.equal(violations.length, 0, `axe-core on ${page.url()}:\n  ${describeViolations(violations)}`);
}

// ------------------------------------------------- a second front

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what, fn, timeout = NAVIGATION_TIMEOUT) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what}: not ready after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// staffTwoFactorFront(): the stack as a service that requires two-factor
// sign-in of staff (TIX_REQUIRE_2FA_FOR_STAFF=1): a tix-auth of its own
// with the setting, and an nginx of its own on a free port from the same
// template (nginx/tix.conf.template), whose /api/auth and /api/me go to
// that tix-auth and everything else to the stack's tix-tickets and
// tix-files.  Same database, same portal.  Returns { baseURL, stop };
// stop() ends both and fails on a sanitizer report in the tix-auth log.
export async function staffTwoFactorFront() {
  const runDir = dirname(requireEnv('TIX_TEST_AUTH_SOCKET'));
  const tag = `staff2fa-${process.pid}`;
  // The stack's socket directory: nginx's workers reach it already.
  const sock = join(runDir, `${tag}.sock`);
  const authLog = join(logDir, `tix-auth-${tag}.log`);
  const front = mkdtempSync(join(tmpdir(), `tix-${tag}-`));
  chmodSync(front, 0o711);
  const nginxLogs = join(logDir, tag);
  mkdirSync(nginxLogs, { recursive: true });
  const procs = [];
  const stop = async () => {
    await Promise.all(procs.map((p) => new Promise((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once('exit', resolve);
      p.kill('SIGTERM');
    })));
    rmSync(front, { recursive: true, force: true });
    rmSync(sock, { force: true });
    const log = existsSync(authLog) ? readFileSync(authLog, 'utf8') : '';
    assert.doesNotMatch(log, /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/,
      `sanitizer report in ${authLog}`);
  };
  const started = (p) => {
    procs.push(p);
    return p;
  };
  const out = (f) => ({ stdio: ['ignore', f, f] });
  try {
    return await startFront({ sock, authLog, front, nginxLogs, started, out, stop });
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}

// nginx's global directives as scripts/lib/stack.sh gives them: as root,
// its workers run as nobody when nobody can read the portal and reach
// the directories (else as root).
function nginxGlobals(htmlDir, dirs) {
  if (process.getuid() !== 0) return 'daemon off;';
  const group = execFileSync('id', ['-gn', 'nobody'], { encoding: 'utf8' }).trim();
  try {
    execFileSync('runuser', ['-u', 'nobody', '--', 'sh', '-c',
      'test -r "$1" && test -x "$1" && test -x "$2" && test -x "$3"', 'sh', htmlDir, ...dirs],
    { stdio: 'ignore' });
    return `daemon off; user nobody ${group};`;
  } catch (e) {
    return 'daemon off; user root root;';
  }
}

async function startFront({ sock, authLog, front, nginxLogs, started, out, stop }) {
  const authFd = openSync(authLog, 'a');
  started(spawn('tix-auth', ['--listen', `unix:${sock}`, '--workers', '1'], {
    ...out(authFd), env: { ...process.env, TIX_REQUIRE_2FA_FOR_STAFF: '1' } }));
  await waitFor('tix-auth with TIX_REQUIRE_2FA_FOR_STAFF', async () => existsSync(sock));

  const port = await freePort();
  const htmlDir = process.env.TIX_HTML_DIR || fileURLToPath(new URL('../../html', import.meta.url));
  const vars = {
    TIX_HTTP_ADDR: '127.0.0.1', TIX_HTTP_PORT: String(port),
    TIX_HTML_DIR: htmlDir, TIX_STATE_DIR: front, TIX_LOG_DIR: nginxLogs,
    TIX_AUTH_UPSTREAM: `unix:${sock}`,
    TIX_TICKETS_UPSTREAM: `unix:${requireEnv('TIX_TEST_TICKETS_SOCKET')}`,
    TIX_FILES_UPSTREAM: `unix:${requireEnv('TIX_TEST_FILES_SOCKET')}`,
    TIX_LOGIN_MAX_CONCURRENT: process.env.TIX_LOGIN_MAX_CONCURRENT || '8',
    TIX_TICKET_RATE: process.env.TIX_TICKET_RATE || '10',
  };
  const template = readFileSync(new URL('../../nginx/tix.conf.template', import.meta.url), 'utf8');
  const conf = join(front, 'nginx.conf');
  writeFileSync(conf, template.replace(/\$\{(TIX_[A-Z_]+)\}/g, (m, name) => {
    if (!(name in vars)) throw new Error(`nginx template: ${name} unknown`);
    return vars[name];
  }));
  const globals = nginxGlobals(htmlDir, [front, dirname(sock)]);
  const nginxFd = openSync(join(nginxLogs, 'nginx.stderr'), 'a');
  started(spawn('nginx', ['-p', front + '/', '-c', conf, '-g', globals,
    '-e', join(nginxLogs, 'error.log')], out(nginxFd)));
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the second nginx', async () => (await fetch(base + '/api/health')).ok);
  return { baseURL: base, stop };
}
