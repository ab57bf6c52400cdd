// A ticket between a customer and an agent, each in a browser of their
// own: the agent's queues, taking a ticket, an internal note, a reply;
// the customer's view of the answer (never the note) and their reply
// with a file; resolving, closing and reopening.  Each step sets up the
// state it starts from through the API, so one failing step does not
// hide the others.

import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { AGENT_STATUS, Api, assertClean, eventually, listRow, makeUser, pngFile,
  screenshot, text, uniqueWord, useBrowser } from './harness.mjs';

describe('a ticket between a customer and an agent', { timeout: 240000 }, () => {
  const browser = useBrowser();
  let customer, agent, customerApi, agentApi;

  before(async () => {
    customer = makeUser('customer', { timezone: 'America/New_York' });
    agent = makeUser('agent');
    customerApi = await Api.login(customer);
    agentApi = await Api.login(agent);
  });

  // A queue's link; its accessible name ends with the count ("All 24").
  const queue = (page, name) => page.locator('nav#queues')
    .getByRole('link', { name: new RegExp(`^${name}( \\d+)?$`) });
  const inList = (page, number) => page.locator(`table#ticket-list tr[data-number="${number}"]`);

  it('finds a new ticket under Unassigned, takes it, and sees it under Mine', async () => {
    const ticket = await customerApi.createTicket({ priority: 'high' });
    const page = await browser.newPage({ user: agent });
    await page.waitForURL((u) => u.pathname === '/agent/tickets');
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();

    await queue(page, 'Unassigned').click();
    await page.waitForURL((u) => u.searchParams.get('queue') === 'unassigned');
    await eventually(async () =>
      assert.equal(await queue(page, 'Unassigned').getAttribute('aria-current'), 'page'));
    // The queue is in the address; after a reload no list of the queue
    // before can still be on screen.
    await page.reload();
    for (const name of ['Unassigned', 'Mine', 'Breached', 'All open', 'All']) {
      await eventually(async () => assert.match(await text(queue(page, name).locator('span.count')),
        /^\d+$/, `count of ${name}`));
    }
    await inList(page, ticket.number).waitFor();
    const row = await listRow(page, ticket.number);
    assert.deepEqual(Object.keys(row), ['Ticket #', 'Subject', 'Status', 'Priority', 'Category',
      'Requester', 'Assignee', 'First response', 'Created', 'Last Updated']);
    assert.equal(row.Status, 'Open');
    assert.ok(row.Requester.includes(customer.name), `requester: ${row.Requester}`);
    assert.match(row['First response'], /^(Met|Due in .+|Overdue .+)$/);
    await screenshot(page, 'agent-queue');

    await inList(page, ticket.number).getByRole('link', { name: ticket.subject }).click();
    await page.waitForURL(`/agent/tickets/${ticket.number}`);
    const requester = page.locator('section#requester');
    await requester.getByRole('heading', { name: 'Requester' }).waitFor();
    for (const want of [customer.name, customer.email, customer.account]) {
      assert.ok((await text(requester)).includes(want), `requester shows ${want}`);
    }
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.locator('#assign-me').waitFor({ state: 'detached' });
    await page.locator('#timeline li.entry[data-type=assigned]').waitFor();

    await page.goto('/agent/tickets?queue=mine');
    await inList(page, ticket.number).waitFor();
    assert.ok((await listRow(page, ticket.number)).Assignee.includes(agent.name));
    await page.goto('/agent/tickets?queue=unassigned');
    await page.locator('table#ticket-list tbody tr, .empty').first().waitFor();
    assert.equal(await inList(page, ticket.number).count(), 0, 'a ticket of mine under Unassigned');
    assertClean(page);
  });

  it('opens a ticket for a customer from the Help button', async () => {
    const page = await browser.newPage({ user: agent });
    await page.waitForURL((u) => u.pathname === '/agent/tickets');
    await page.getByRole('button', { name: 'Help' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Ticket' });
    const subject = `Called in: licence server down ${uniqueWord()}`;
    await dialog.getByLabel('Requester email').fill(customer.email);
    await dialog.getByLabel('Subject').fill(subject);
    await dialog.getByLabel('Category').selectOption({ label: 'License Issues' });
    await dialog.getByLabel('Description').fill('The customer phoned: the licence server refuses every key.');
    await dialog.getByRole('button', { name: 'Submit Ticket' }).click();
    const created = dialog.getByText(/Ticket TICK-\d+ created\./);
    await created.waitFor({ timeout: 10000 });
    const number = /TICK-\d+/.exec(await text(created))[0];
    assert.equal(new URL(page.url()).pathname, '/agent/tickets', 'the page under the dialog stays');
    const ticket = (await customerApi.get(`/api/tickets/${number}`)).ticket;
    assert.equal(ticket.subject, subject);
    assert.equal(ticket.requester.email, customer.email);
    assertClean(page);
  });

  it('adds an internal note, marked and set apart, then replies', async () => {
    const ticket = await customerApi.createTicket();
    await agentApi.setTicket(ticket.number, { assignee_id: agentApi.user.id });
    const note = `Customer is on the legacy plan ${uniqueWord()}`;
    const reply = `Please restart the spooler and try again ${uniqueWord()}`;
    const page = await browser.newPage({ user: agent });
    await page.goto(`/agent/tickets/${ticket.number}`);
    const noteForm = page.locator('form#note-form');
    await noteForm.waitFor();
    assert.equal(await page.locator('#assign-me').count(), 0, 'Assign to me on a ticket of mine');

    await noteForm.getByLabel('Internal note').fill(note);
    await noteForm.getByRole('button', { name: 'Add internal note' }).click();
    const noteEntry = page.locator('#timeline li.entry.note[data-type=note]').filter({ hasText: note });
    await noteEntry.waitFor();
    assert.ok((await text(noteEntry)).includes('Internal'), 'the note says it is internal');

    const replyForm = page.locator('form#reply-form');
    await replyForm.getByLabel('Reply to customer').fill(reply);
    await replyForm.getByRole('button', { name: 'Send Reply' }).click();
    const replyEntry = page.locator('#timeline li.entry[data-type=message]').filter({ hasText: reply });
    await replyEntry.waitFor();
    const background = (l) => l.evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.notEqual(await background(noteEntry), await background(replyEntry), 'a note looks unlike a reply');
    await eventually(async () => assert.equal(await text(page.locator('#ticket-status')), AGENT_STATUS.waiting));
    assertClean(page);
  });

  it('shows the customer the answer, "Waiting for You", never the note; they reply with a file', async () => {
    const ticket = await customerApi.createTicket();
    const secret = uniqueWord();
    await agentApi.reply(ticket.number, `Internal: refund approved by finance ${secret}`, true);
    const answer = `Could you send us the printer's log? ${uniqueWord()}`;
    await agentApi.reply(ticket.number, answer);

    const page = await browser.newPage({ user: customer });
    await page.goto(`/customer/tickets/${ticket.number}`);
    await page.locator('#timeline li.entry').filter({ hasText: answer }).waitFor();
    assert.equal(await text(page.locator('#ticket-status')), 'Waiting for You');
    assert.ok(!(await text(page.locator('body'))).includes(secret), 'the note is on the page');
    assert.equal(await page.locator('#timeline li.entry[data-type=note]').count(), 0);

    // Nor does the note's word find the ticket.
    await page.goto(`/customer/tickets?q=${secret}`);
    await page.locator('.empty').getByText('No tickets match these filters.').waitFor();
    await page.goto('/customer/tickets');
    const row = await listRow(page, ticket.number);
    assert.equal(row.Status, 'Waiting for You');

    await page.goto(`/customer/tickets/${ticket.number}`);
    const form = page.locator('form#reply-form');
    const mine = `Here is the log you asked for ${uniqueWord()}`;
    await form.getByLabel('Your reply').fill(mine);
    await form.getByLabel('Attachments').setInputFiles(pngFile('printer-panel.png'));
    await form.getByRole('button', { name: 'Send Reply' }).click();
    const entry = page.locator('#timeline li.entry').filter({ hasText: mine });
    await entry.waitFor({ timeout: 10000 });
    await entry.locator('.file-list a').filter({ hasText: 'printer-panel.png' }).waitFor();
    await eventually(async () => assert.equal(await text(page.locator('#ticket-status')), 'Open'));
    assertClean(page);
  });

  it('lets the agent resolve the ticket', async () => {
    const ticket = await customerApi.createTicket();
    await agentApi.reply(ticket.number, 'The new driver fixes it.');
    const page = await browser.newPage({ user: agent });
    await page.goto(`/agent/tickets/${ticket.number}`);
    const controls = page.locator('form#ticket-controls');
    await controls.getByLabel('Status', { exact: true }).selectOption({ label: AGENT_STATUS.resolved });
    await controls.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => assert.equal(await text(page.locator('#ticket-status')), 'Resolved'));
    await page.locator('#timeline li.entry[data-type=status_changed]').filter({ hasText: 'Resolved' }).waitFor();
    assert.equal((await customerApi.get(`/api/tickets/${ticket.number}`)).ticket.status, 'resolved');
    assertClean(page);
  });

  it('lets the customer close the ticket and reopen it with a reason', async () => {
    const ticket = await customerApi.createTicket();
    await agentApi.setTicket(ticket.number, { status: 'resolved' });
    const page = await browser.newPage({ user: customer });
    await page.goto(`/customer/tickets/${ticket.number}`);
    await eventually(async () => assert.equal(await text(page.locator('#ticket-status')), 'Resolved'));

    await page.locator('main').getByRole('button', { name: 'Close ticket' }).click();
    const confirm = page.getByRole('dialog', { name: 'Close this ticket?' });
    await confirm.getByRole('button', { name: 'Cancel' }).waitFor();
    await confirm.getByRole('button', { name: 'Close ticket' }).click();
    await eventually(async () => assert.equal(await text(page.locator('#ticket-status')), 'Closed'));
    await page.locator('main').getByRole('button', { name: 'Close ticket' }).waitFor({ state: 'detached' });

    const reason = `It came back after the weekend ${uniqueWord()}`;
    await page.getByRole('button', { name: 'Reopen Ticket' }).click();
    const reopen = page.getByRole('dialog').filter({ has: page.getByLabel('What still needs attention?') });
    await reopen.getByLabel('What still needs attention?').fill(reason);
    await reopen.getByRole('button', { name: 'Reopen Ticket' }).click();
    await eventually(async () => assert.equal(await text(page.locator('#ticket-status')), 'Open'));
    await page.locator('#timeline li.entry').filter({ hasText: reason }).waitFor();
    assertClean(page);
  });
});
