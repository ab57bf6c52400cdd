// The agent's Inbox: a mail from an unknown address, piped in through
// tix-mailin --stdin as an MTA would, waits for review; from the page the
// agent turns it into a ticket of the right customer, appends another to
// a ticket (a wrong number first), and discards a third after confirming.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, it, before } from 'node:test';
import { Api, assertClean, axe, describeViolations, makeUser, uniqueWord,
  useBrowser } from './harness.mjs';

// One message into tix-mailin --stdin; exit status 0 or it throws.
function mailIn(from, subject, body) {
  const raw = [
    `From: Somebody <${from}>`,
    'To: support@tix.test',
    `Subject: ${subject}`,
    `Message-ID: <${randomUUID()}@mail.example.org>`,
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\n');
  execFileSync('tix-mailin', ['--stdin'], { input: raw,
    env: { ...process.env, TIX_SUPPORT_ADDRESS: 'support@tix.test' },
    stdio: ['pipe', 'pipe', 'pipe'] });
}

function stranger() {
  return `someone-${uniqueWord()}@elsewhere.example`;
}

describe('inbox', { timeout: 120000 }, () => {
  const browser = useBrowser();
  let agent, customer, agentApi, customerApi;

  before(async () => {
    agent = makeUser('agent');
    customer = makeUser('customer');
    agentApi = await Api.login(agent);
    customerApi = await Api.login(customer);
  });

  const item = (page, subject) => page.locator('li.inbound-item').filter({ hasText: subject });

  it('turns a kept mail into a ticket of a customer', async () => {
    const subject = `Printer trouble ${uniqueWord()}`;
    const from = stranger();
    mailIn(from, subject, 'My printer is on fire.\nPlease help.');
    const page = await browser.newPage({ user: agent });
    await page.goto('/agent/tickets');
    await page.getByRole('navigation').getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    const mail = item(page, subject);
    await mail.waitFor();
    assert.match(await mail.textContent(), new RegExp(from.replaceAll('.', '\\.')));
    assert.match(await mail.textContent(), /unknown sender/);
    assert.match(await mail.locator('.preview').textContent(), /My printer is on fire\./);
    const violations = await axe(page);
    assert.equal(violations.length, 0, describeViolations(violations));

    await mail.getByRole('button', { name: 'Create ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create ticket' });
    // A wrong address first: the field says why, the mail stays.
    await dialog.getByLabel('Requester e-mail').fill('nobody@nowhere.example');
    await dialog.getByRole('button', { name: 'Create ticket' }).click();
    await dialog.getByText('is not the address of a customer').waitFor();
    await dialog.getByLabel('Requester e-mail').fill(customer.email);
    await dialog.getByRole('button', { name: 'Create ticket' }).click();
    await dialog.waitFor({ state: 'detached' });
    const made = page.locator('#inbound .notice').getByText(/Ticket TICK-\d+ created\./);
    await made.waitFor();
    const number = /TICK-\d+/.exec(await made.textContent())[0];
    await mail.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: `View ${number}` }).waitFor();

    const { ticket } = await customerApi.get(`/api/tickets/${number}`);
    assert.equal(ticket.subject, subject);
    assert.equal(ticket.description, 'My printer is on fire.\nPlease help.');
    assert.equal(ticket.requester.email, customer.email);
    assert.equal(ticket.timeline[0].via, 'email');
    const { inbound } = await agentApi.get('/api/tickets/inbound?per_page=100');
    assert.equal(inbound.some((m) => m.subject === subject), false, 'still in the queue');
    assertClean(page);
  });

  it('appends a kept mail to a ticket and discards another', async () => {
    const { ticket } = await customerApi.post('/api/tickets', { subject: `Licence ${uniqueWord()}`,
      description: 'Which version?', category: 'license' });
    const replySubject = `Re: version ${uniqueWord()}`;
    const spamSubject = `Cheap watches ${uniqueWord()}`;
    mailIn(stranger(), replySubject, 'Version 2.1, sent from my phone.');
    mailIn(stranger(), spamSubject, 'Buy now');
    const page = await browser.newPage({ user: agent });
    await page.goto('/agent/inbound');
    const reply = item(page, replySubject);
    await reply.waitFor();
    await reply.getByRole('button', { name: 'Append to ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Append to ticket' });
    await dialog.getByLabel('Ticket number').fill('TICK-99999999');
    await dialog.getByRole('button', { name: 'Append' }).click();
    await dialog.locator('.field-error').filter({ hasText: /not a ticket/ }).waitFor();
    await dialog.getByLabel('Ticket number').fill(ticket.number.slice(5));
    await dialog.getByRole('button', { name: 'Append' }).click();
    await page.locator('#inbound .notice').getByText(`Added to ${ticket.number}.`).waitFor();
    await reply.waitFor({ state: 'detached' });
    const after = (await customerApi.get(`/api/tickets/${ticket.number}`)).ticket;
    const last = after.timeline.filter((e) => e.type === 'message').at(-1);
    assert.equal(last.body, 'Version 2.1, sent from my phone.');
    assert.equal(last.actor.id, customerApi.user.id);
    assert.equal(last.via, 'email');

    const spam = item(page, spamSubject);
    await spam.getByRole('button', { name: 'Discard' }).click();
    const confirm = page.getByRole('dialog', { name: 'Discard mail' });
    // Cancel keeps it.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await spam.count(), 1);
    await spam.getByRole('button', { name: 'Discard' }).click();
    await confirm.getByRole('button', { name: 'Discard' }).click();
    await page.locator('#inbound .notice').getByText('Mail discarded.').waitFor();
    await spam.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    assert.equal(await item(page, spamSubject).count(), 0);
    assertClean(page);
  });

  it('is not there for customers', async () => {
    const page = await browser.newPage({ user: customer });
    await page.goto('/customer/tickets');
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Inbox' }).count(), 0);
    assertClean(page);
  });
});
