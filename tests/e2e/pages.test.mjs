// What holds on every page: markup typed by users is shown as text and
// runs nothing; another account's ticket is not found; nothing scrolls
// sideways at 375 px; axe-core finds no serious or critical violation.
// (Every test also checks the page guard: no console error, no request
// to another host.)

import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { Api, DESKTOP, PHONE, assertClean, axe, describeViolations, eventually, makeUser,
  screenshot, text, uniqueWord, useBrowser } from './harness.mjs';

// Would raise an alert (caught by the page guard) or leave an element
// of class xss behind, if it were ever taken as HTML.
const MARKUP = '<img src=x onerror=alert(1) class=xss><b class=xss>bold</b><script>alert(2)</script>';

describe('every page', { timeout: 240000 }, () => {
  const browser = useBrowser();
  let customer, agent, ticket, word;
  const texts = {};

  before(async () => {
    customer = makeUser('customer', { timezone: 'Asia/Tokyo' });
    agent = makeUser('agent');
    const customerApi = await Api.login(customer);
    const agentApi = await Api.login(agent);
    word = uniqueWord();
    texts.subject = `Upload fails ${MARKUP} ${word}`;
    texts.description = `The page shows ${MARKUP} after upload. Log: ` +
      '/var/lib/tix/spool/incoming/2026-12-03/1f0c9a7e4b2d4c8e9a1b3c5d7e9f0a2b.part';
    texts.reply = `Still there: ${MARKUP}`;
    texts.answer = `We cannot reproduce ${MARKUP} here.`;
    ticket = await customerApi.createTicket({ subject: texts.subject, description: texts.description,
      priority: 'high' });
    await customerApi.reply(ticket.number, texts.reply);
    await agentApi.reply(ticket.number, texts.answer);
  });

  // No element came from the markup; no inline script was added.
  async function assertNoMarkup(page) {
    const found = await page.evaluate(() => ({
      elements: document.querySelectorAll('.xss, img[src="x"]').length,
      scripts: document.querySelectorAll('script:not([src])').length,
    }));
    assert.deepEqual(found, { elements: 0, scripts: 0 }, `markup taken as HTML on ${page.url()}`);
  }

  it('shows markup in a subject, description and reply as literal text and runs nothing', async () => {
    const page = await browser.newPage({ user: customer });
    const row = page.locator(`table#ticket-list tr[data-number="${ticket.number}"]`);
    for (const path of ['/customer/tickets', `/customer/tickets?q=${word}`]) {
      await page.goto(path);
      await row.getByText(texts.subject, { exact: true }).waitFor();
      await assertNoMarkup(page);
    }

    await page.goto(`/customer/tickets/${ticket.number}`);
    await eventually(async () => assert.equal(await text(page.locator('#ticket-subject')), texts.subject));
    const timeline = await eventually(async () => {
      const t = await page.locator('#timeline').textContent();
      assert.ok(t.includes(texts.answer), 'the agent\'s answer in the timeline');
      return t;
    });
    for (const want of [texts.description, texts.reply]) assert.ok(timeline.includes(want), want);
    await assertNoMarkup(page);
    assertClean(page);

    const agentPage = await browser.newPage({ user: agent });
    const agentRow = agentPage.locator(`table#ticket-list tr[data-number="${ticket.number}"]`);
    for (const path of ['/agent/tickets?queue=all', `/agent/tickets?queue=all&q=${word}`]) {
      await agentPage.goto(path);
      await agentRow.getByText(texts.subject, { exact: true }).waitFor();
      await assertNoMarkup(agentPage);
    }
    await agentPage.goto(`/agent/tickets/${ticket.number}`);
    await eventually(async () => assert.equal(await text(agentPage.locator('#ticket-subject')), texts.subject));
    await agentPage.locator('#timeline').getByText(texts.answer).waitFor();
    await assertNoMarkup(agentPage);
    assertClean(agentPage);
  });

  it('says not found for another account\'s ticket and for an unknown number', async () => {
    const stranger = makeUser('customer');
    const theirs = await (await Api.login(stranger)).createTicket();
    const page = await browser.newPage({ user: customer });
    for (const number of [theirs.number, 'TICK-999999']) {
      await page.goto(`/customer/tickets/${number}`);
      await page.getByRole('heading', { level: 1, name: 'Ticket not found' }).waitFor();
      await page.getByText(`There is no ticket ${number} in your account.`).waitFor();
      assert.ok(!(await text(page.locator('body'))).includes(theirs.subject), 'the subject leaked');
    }
    assertClean(page);
  });

  // Every page of each role, with something that marks it as rendered.
  const customerPages = () => [
    ['customer list', '/customer/tickets', 'table#ticket-list'],
    ['create', '/customer/tickets/new', 'form#new-ticket'],
    ['customer ticket', `/customer/tickets/${ticket.number}`, '#timeline li.entry'],
    ['customer settings', '/customer/settings', 'main h1'],
  ];
  const agentPages = () => [
    ['agent queue', '/agent/tickets?queue=all', 'table#ticket-list'],
    ['agent ticket', `/agent/tickets/${ticket.number}`, '#timeline li.entry'],
    ['agent settings', '/agent/settings', 'main h1'],
    ['agent inbox', '/agent/inbound', 'main h1'],
  ];

  async function visit(page, path, ready) {
    await page.goto(path);
    await page.locator(ready).first().waitFor();
    // Fonts and late layout (cards under 700 px) settle before measuring.
    await page.evaluate(() => document.fonts.ready);
  }

  it('never scrolls sideways, at 375 px nor at 1280 px', async () => {
    const wide = [];
    for (const [user, pages, viewport] of [[customer, customerPages(), PHONE],
      [agent, agentPages(), PHONE], [customer, customerPages(), DESKTOP],
      [agent, agentPages(), DESKTOP]]) {
      const page = await browser.newPage({ user, viewport });
      for (const [name, path, ready] of pages) {
        await visit(page, path, ready);
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        if (scrollWidth > innerWidth) {
          wide.push(`${name} (${path}): ${scrollWidth} px wide in ${innerWidth}`);
        }
        if (name === 'customer ticket' && viewport === PHONE) await screenshot(page, 'ticket-phone');
      }
      assertClean(page);
    }
    assert.deepEqual(wide, [], 'pages wider than the screen');
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    const report = [];
    for (const [user, pages] of [[customer, customerPages()], [agent, agentPages()]]) {
      const page = await browser.newPage({ user });
      for (const [name, path, ready] of pages) {
        await visit(page, path, ready);
        const violations = await axe(page);
        if (violations.length) report.push(`${name} (${path}):\n  ${describeViolations(violations)}`);
      }
      assertClean(page);
    }
    assert.equal(report.length, 0, `axe-core:\n${report.join('\n')}`);
  });

  // Tab until `want` has the focus; fails after `max` presses.  Returns
  // the focused element's outline as the browser draws it.
  async function tabTo(page, want, max = 60) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await want.evaluate((e) => e === document.activeElement)) {
        return want.evaluate((e) => {
          const s = getComputedStyle(e);
          return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
        });
      }
    }
    throw new Error(`Tab never reached ${want}`);
  }

  it('works from the keyboard: focus visible, dialogs keep focus and close with Escape', async () => {
    const page = await browser.newPage({ user: customer });
    await page.goto(`/customer/tickets/${ticket.number}`);
    await page.locator('#timeline li.entry').first().waitFor();
    await page.locator('body').focus();

    // The reply box and its button are reached by Tab, each with a ring.
    for (const target of [page.getByLabel('Your reply'), page.getByRole('button', { name: 'Send Reply' })]) {
      const ring = await tabTo(page, target);
      assert.notEqual(ring.style, 'none', 'a visible focus ring');
      assert.ok(ring.width >= 2, `focus ring ${ring.width} px`);
    }

    // Help from the keyboard: the dialog takes the focus and keeps it.
    const help = page.getByRole('button', { name: 'Help' });
    await help.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create Ticket' });
    await dialog.waitFor();
    const inDialog = () => page.evaluate(() =>
      Boolean(document.activeElement && document.activeElement.closest('dialog[open]')));
    assert.ok(await inDialog(), 'focus moved into the dialog');
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      // Past the dialog's last control the browser's own UI may hold
      // the focus for one press; the page outside never does.
      const where = await page.evaluate(() => {
        const a = document.activeElement;
        return !a || a === document.body ? 'none' : a.closest('dialog[open]') ? 'dialog' : 'page';
      });
      assert.notEqual(where, 'page', `Tab ${i + 1} left the dialog`);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.ok(await help.evaluate((e) => e === document.activeElement), 'focus back on Help');

    // The close confirmation too: Escape cancels and nothing changes.
    await page.getByRole('button', { name: 'Close ticket' }).focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Close this ticket?' });
    await confirm.waitFor();
    assert.ok(await inDialog(), 'focus moved into the confirmation');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.notEqual(await text(page.locator('#ticket-status')), 'Closed');
    assertClean(page);
  });
});
