// A customer's own side of the portal: creating a ticket with files, the
// list with its badges, columns, filters and search, the Help button,
// the file checks made before any upload, and a ticket's license.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, before } from 'node:test';
import { Api, CUSTOMER_STATUS, assertClean, eventually, listRow, listShows, makeLicense,
  makeUser, pngFile, screenshot, text, throttleUploads, today, uniqueWord, useBrowser,
  writeTemp } from './harness.mjs';

const TIMEZONE = 'Europe/Berlin';

describe('a customer', { timeout: 240000 }, () => {
  const browser = useBrowser();
  // creator makes tickets through the portal; lister has exactly the
  // tickets made below, one per status, for the list and its filters.
  let creator, lister, agentApi, listerApi;
  const made = {};
  const replyWord = uniqueWord();

  before(async () => {
    creator = makeUser('customer', { timezone: TIMEZONE });
    lister = makeUser('customer', { timezone: TIMEZONE });
    agentApi = await Api.login(makeUser('agent'));
    listerApi = await Api.login(lister);
    const create = (category, priority) => listerApi.createTicket({ category, priority });
    made.open = await create('technical', 'high');
    made.in_progress = await create('billing', 'normal');
    // Replied to before it is in progress: a customer's reply reopens.
    await listerApi.reply(made.in_progress.number, `The invoice shows the ${replyWord} twice.`);
    await agentApi.setTicket(made.in_progress.number, { status: 'in_progress' });
    made.waiting = await create('billing', 'low');
    await agentApi.reply(made.waiting.number, 'Which invoice number is it?');
    made.resolved = await create('license', 'critical');
    await agentApi.setTicket(made.resolved.number, { status: 'resolved' });
    made.closed = await create('general', 'normal');
    await listerApi.setTicket(made.closed.number, { status: 'closed' });
  });

  const numbers = (...statuses) => statuses.map((s) => made[s].number);

  it('creates a ticket with a PNG and a log file, watching the upload', async () => {
    const page = await browser.newPage({ user: creator });
    await page.waitForURL('/customer/tickets');
    await page.getByRole('main').getByRole('link', { name: 'Create Ticket' }).first().click();
    await page.waitForURL('/customer/tickets/new');
    await page.getByRole('heading', { level: 1, name: 'Create Ticket' }).waitFor();
    await page.getByRole('complementary').getByText('Tips for a quick answer').waitFor();

    const form = page.locator('form#new-ticket');
    const subject = `Scanner jams on every page ${uniqueWord()}`;
    await form.getByLabel('Subject').fill(subject);
    const category = form.getByLabel('Category');
    assert.equal(await text(category.locator('option').first()), 'Choose a category');
    await category.selectOption({ label: 'Technical Support' });

    // The priority's hint follows the choice; Critical adds a warning.
    const priority = form.getByLabel('Priority');
    assert.equal(await text(priority.locator('option:checked')), 'Normal');
    const hint = page.locator('#priority-hint');
    const warning = page.locator('#critical-warning');
    for (const [label, want] of [['Low', 'within 3–5 days'], ['Normal', 'within 24 hours'],
      ['Critical', 'within 1 hour, 24/7'], ['High', 'within 4 business hours']]) {
      await priority.selectOption({ label });
      await eventually(async () => assert.match(await text(hint), new RegExp(want)));
      assert.equal(await warning.isVisible(), label === 'Critical', `warning for ${label}`);
    }
    await form.getByLabel('Description').fill('It jams after the first sheet; log attached.');

    const png = pngFile('scanner.png', 1024, true);
    const log = writeTemp('scanner.log', 'E 12:01 feed motor stalled\nE 12:02 paper jam tray 1\n');
    await page.locator('#f-attachments').setInputFiles([png, log]);
    const files = page.locator('ul#file-list > li');
    // The checks may read the files' first bytes, which takes a moment.
    const ok = page.locator('ul#file-list > li[data-state=ok]');
    await eventually(async () => assert.equal(await ok.count(), 2));
    assert.equal(await files.count(), 2);
    assert.match(await text(files.nth(0)), /scanner\.png/);
    assert.match(await text(files.nth(1)), /scanner\.log/);
    await screenshot(page, 'create-with-file');

    // About 3 MB at 2 MB/s: the progress bar is up for well over a second.
    const unthrottle = await throttleUploads(page, 2 * 1024 * 1024);
    const seen = Promise.all([
      page.locator('progress#upload-progress').waitFor({ state: 'visible', timeout: 10000 }),
      page.getByText(/Uploading… \d+%/).waitFor({ timeout: 10000 }),
    ]);
    await page.getByRole('button', { name: 'Submit Ticket' }).click();
    await seen;
    await page.waitForURL(/\/customer\/tickets\/TICK-\d+$/, { timeout: 20000 });
    await unthrottle();
    const number = new URL(page.url()).pathname.split('/').pop();

    assert.equal(await text(page.locator('#ticket-subject')), subject);
    assert.equal(await text(page.locator('#ticket-status')), 'Open');
    const links = page.locator('#timeline .file-list a');
    await eventually(async () => assert.equal(await links.count(), 2));
    const names = await links.allTextContents();
    assert.ok(names.some((n) => n.includes('scanner.png')) && names.some((n) => n.includes('scanner.log')),
      `attachment links: ${names}`);
    // What was stored is what was chosen, byte for byte.
    const api = await Api.login(creator);
    for (const a of (await api.get(`/api/tickets/${number}`)).ticket.attachments) {
      assert.match(await links.filter({ hasText: a.filename }).getAttribute('href'),
        new RegExp(`^/api/tickets/${number}/attachments/${a.id}$`));
      const chosen = a.filename === 'scanner.png' ? png : log;
      assert.ok((await api.bytes(a.url || `/api/tickets/${number}/attachments/${a.id}`))
        .equals(readFileSync(chosen)), `${a.filename} as stored`);
    }
    assertClean(page);
  });

  it('rejects an .exe and an 11 MB file beside the field, before any upload', async () => {
    const page = await browser.newPage({ user: creator });
    const posts = [];
    page.on('request', (r) => { if (r.method() !== 'GET') posts.push(r.url()); });
    await page.goto('/customer/tickets/new');
    const input = page.locator('#f-attachments');
    await input.setInputFiles([
      writeTemp('setup.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(1022)])),
      writeTemp('huge.log', Buffer.alloc(11 * 1024 * 1024, 'a')),
    ]);
    const rejected = page.locator('ul#file-list > li[data-state=rejected]');
    await eventually(async () => assert.equal(await rejected.count(), 2));
    // The reasons as the contract words them, whatever their case.
    assert.match(await text(rejected.filter({ hasText: 'setup.exe' })), /\.exe files cannot be attached/i);
    assert.match(await text(rejected.filter({ hasText: 'huge.log' })), /larger than 10 MB/i);

    // Remove takes a file off the list.
    await rejected.filter({ hasText: 'setup.exe' }).getByRole('button', { name: 'Remove' }).click();
    await eventually(async () => assert.equal(await page.locator('ul#file-list > li').count(), 1));

    await page.reload();
    await input.setInputFiles(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => writeTemp(`${n}.txt`, `file ${n}\n`)));
    await eventually(async () => {
      assert.equal(await page.locator('ul#file-list > li').count(), 6);
      assert.match(await text(page.locator('ul#file-list > li[data-state=rejected]').first()),
        /At most 5 files/i);
    });
    assert.deepEqual(posts, [], 'requests sent while choosing files');
    assertClean(page);
  });

  it('finds its tickets in the list with the right columns, badges and dates', async () => {
    const page = await browser.newPage({ user: lister });
    await page.waitForURL('/customer/tickets');
    await page.getByRole('heading', { level: 1, name: 'Support Tickets' }).waitFor();
    await listShows(page, Object.values(made).map((t) => t.number));
    const row = await listRow(page, made.open.number);
    assert.deepEqual(Object.keys(row), ['Ticket #', 'Subject', 'Status', 'Priority', 'Category',
      'Created', 'Last Updated']);
    assert.equal(row['Ticket #'], made.open.number);
    assert.equal(row.Subject, made.open.subject);
    assert.equal(row.Status, 'Open');
    assert.equal(row.Priority, 'High');
    assert.equal(row.Category, 'Technical Support');
    const tr = page.locator(`tr[data-number="${made.open.number}"]`);
    assert.equal(await tr.getByRole('link', { name: made.open.subject }).getAttribute('href'),
      `/customer/tickets/${made.open.number}`);

    // Each status its own words and its own colours.
    const colours = new Set();
    for (const [status, ticket] of Object.entries(made)) {
      const badge = page.locator(`tr[data-number="${ticket.number}"] span.badge.status`);
      assert.equal(await badge.getAttribute('data-status'), status);
      assert.equal(await text(badge), CUSTOMER_STATUS[status]);
      colours.add(await badge.evaluate((e) => {
        const s = getComputedStyle(e);
        return `${s.backgroundColor} ${s.color} ${s.borderColor}`;
      }));
    }
    assert.equal(colours.size, Object.keys(made).length, `badge colours: ${[...colours]}`);

    // Dates are in the account's timezone, and say so.
    const times = page.locator('table#ticket-list time');
    assert.ok(await times.count() >= 2 * Object.keys(made).length);
    for (const t of await times.all()) {
      assert.ok(!Number.isNaN(Date.parse(await t.getAttribute('datetime'))));
      assert.match(await t.getAttribute('title'), /\(Europe\/Berlin\)$/);
    }
    await screenshot(page, 'customer-list');
    assertClean(page);
  });

  it('filters by status, category and date, kept in the address through reload and Back', async () => {
    const page = await browser.newPage({ user: lister });
    await page.waitForURL('/customer/tickets');
    const filters = page.locator('form#filters');
    assert.equal(await page.getByRole('search').getAttribute('id'), 'filters');
    const status = filters.getByLabel('Status', { exact: true });
    const category = filters.getByLabel('Category', { exact: true });
    await listShows(page, Object.values(made).map((t) => t.number));

    await status.selectOption({ label: 'Waiting for You' });
    await page.waitForURL((u) => u.searchParams.get('status') === 'waiting');
    await listShows(page, numbers('waiting'));

    await status.selectOption({ label: 'Any' });
    await category.selectOption({ label: 'Billing' });
    await page.waitForURL((u) => u.searchParams.get('category') === 'billing' && !u.searchParams.has('status'));
    await listShows(page, numbers('in_progress', 'waiting'));

    // One change at a time, each its own step in the history.
    const from = filters.getByLabel('From', { exact: true });
    const to = filters.getByLabel('To', { exact: true });
    const nothing = page.locator('.empty').getByText('No tickets match these filters.');
    await from.fill(today(TIMEZONE, 1));
    await page.waitForURL((u) => u.searchParams.get('created_from') === today(TIMEZONE, 1));
    await nothing.waitFor();
    const day = today(TIMEZONE);
    await from.fill(day);
    await page.waitForURL((u) => u.searchParams.get('created_from') === day);
    await listShows(page, numbers('in_progress', 'waiting'));
    await to.fill(day);
    await page.waitForURL((u) => u.searchParams.get('created_to') === day);
    await listShows(page, numbers('in_progress', 'waiting'));
    const filtered = page.url();

    // No billing ticket is closed.
    await status.selectOption({ label: 'Closed' });
    await page.waitForURL((u) => u.searchParams.get('status') === 'closed');
    await nothing.waitFor();
    await page.locator('.empty').getByRole('link', { name: 'Clear filters' }).waitFor();

    await page.goBack();
    await page.waitForURL(filtered);
    await listShows(page, numbers('in_progress', 'waiting'));
    await page.reload();
    await listShows(page, numbers('in_progress', 'waiting'));
    assert.equal(await text(status.locator('option:checked')), 'Any');
    assert.equal(await text(category.locator('option:checked')), 'Billing');
    assert.equal(await from.inputValue(), day);
    assert.equal(await to.inputValue(), day);

    await filters.getByRole('link', { name: 'Clear filters' }).click();
    await page.waitForURL('/customer/tickets');
    await listShows(page, Object.values(made).map((t) => t.number));
    assertClean(page);
  });

  it('searches by ticket number and by a word of a reply', async () => {
    const page = await browser.newPage({ user: lister });
    await page.waitForURL('/customer/tickets');
    const search = page.locator('form#filters').getByRole('searchbox', { name: 'Search' });

    await search.fill(made.resolved.number);
    await search.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === made.resolved.number);
    await eventually(async () => assert.equal(
      await page.locator('table#ticket-list tbody tr[data-number]').first().getAttribute('data-number'),
      made.resolved.number));

    await search.fill(replyWord);
    await page.locator('form#filters').getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') === replyWord);
    await listShows(page, numbers('in_progress'));
    const hit = page.locator(`tr[data-number="${made.in_progress.number}"] .snippet mark`);
    assert.equal((await text(hit.first())).toLowerCase(), replyWord);
    assertClean(page);
  });

  it('opens the create form with the Help button, from the list and from a ticket', async () => {
    const page = await browser.newPage({ user: creator });
    await page.waitForURL('/customer/tickets');
    const help = page.getByRole('button', { name: 'Help' });
    const dialog = page.getByRole('dialog', { name: 'Create Ticket' });

    await help.click();
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('id'), 'help-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    const ticketUrl = `/customer/tickets/${(await (await Api.login(creator)).createTicket()).number}`;
    for (const where of ['/customer/tickets', ticketUrl]) {
      await page.goto(where);
      await page.locator('main h1').waitFor();
      await help.click();
      await dialog.waitFor();
      const subject = `Licence question from the help button ${uniqueWord()}`;
      await dialog.getByLabel('Subject').fill(subject);
      await dialog.getByLabel('Category').selectOption({ label: 'General Inquiry' });
      await dialog.getByLabel('Description').fill('Can a key move to a new machine?');
      await dialog.getByRole('button', { name: 'Submit Ticket' }).click();
      const created = dialog.getByText(/Ticket TICK-\d+ created\./);
      await created.waitFor({ timeout: 10000 });
      const number = /TICK-\d+/.exec(await text(created))[0];
      await dialog.getByRole('link', { name: `View ${number}` }).waitFor();
      assert.equal(new URL(page.url()).pathname, where, 'the page under the dialog stays');
      const ticket = (await (await Api.login(creator)).get(`/api/tickets/${number}`)).ticket;
      assert.equal(ticket.subject, subject);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    }
    assertClean(page);
  });

  it('sees the license its ticket names, with the activations', async () => {
    const user = makeUser('customer', { timezone: TIMEZONE });
    const key = makeLicense(user.account, 'Tix Render Farm', ['render-node-01', 'render-node-02']);
    const ticket = await (await Api.login(user)).createTicket({
      category: 'license',
      subject: 'Third render node cannot activate',
      description: `Our key ${key} says all activations are used, but we only run two nodes.`,
    });
    const page = await browser.newPage({ user });
    await page.goto(`/customer/tickets/${ticket.number}`);
    const license = page.locator('aside section#license');
    await license.getByRole('heading', { name: 'License' }).waitFor();
    const shown = await text(license);
    for (const want of [key, 'Tix Render Farm', '2 of 3', 'render-node-01', 'render-node-02']) {
      assert.ok(shown.includes(want), `the license section shows ${want}: ${shown}`);
    }
    assert.equal(await license.getByRole('list').getByRole('listitem').count(), 2);
    for (const t of await page.locator('dl.facts time').all()) {
      assert.match(await t.getAttribute('title'), /\(Europe\/Berlin\)$/);
    }
    await screenshot(page, 'ticket-license');
    assertClean(page);
  });
});
