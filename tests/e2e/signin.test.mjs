// Signing in and out, and where the portal sends each role: deep links
// of the other role's area, and a signed-out visit that comes back to
// where it was after sign-in.

import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { Api, assertAccessible, assertClean, makeUser, signIn, useBrowser } from './harness.mjs';

describe('signing in', { timeout: 120000 }, () => {
  const browser = useBrowser();
  let customer, agent, number;

  before(async () => {
    const account = `acct-signin-${Date.now()}`;
    customer = makeUser('customer', { account });
    agent = makeUser('agent');
    number = (await (await Api.login(customer)).createTicket()).number;
  });

  it('shows the API\'s error for a wrong password, then signs in through the form', async () => {
    const page = await browser.newPage();
    await page.goto('/login');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await assertAccessible(page);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('form [role=alert]');
    await alert.filter({ hasText: /\S/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');

    await signIn(page, customer);
    await page.waitForURL('/customer/tickets');
    await page.getByRole('heading', { level: 1, name: 'Support Tickets' }).waitFor();
    assertClean(page);
  });

  it('lands an agent on the agent\'s tickets, and signs out', async () => {
    const page = await browser.newPage({ user: agent });
    await page.waitForURL('/agent/tickets');
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    await page.locator('#logout').click();
    await page.waitForURL('/login');
    // The session is gone: a portal page asks to sign in again.
    await page.goto('/agent/tickets');
    await page.waitForURL((u) => u.pathname === '/login');
    assertClean(page);
  });

  it('returns to a ticket\'s URL, visited signed out, after sign-in', async () => {
    const page = await browser.newPage();
    await page.goto(`/customer/tickets/${number}`);
    await page.waitForURL((u) => u.pathname === '/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), `/customer/tickets/${number}`);
    await signIn(page, customer);
    await page.waitForURL(`/customer/tickets/${number}`);
    await page.locator(`article#ticket[data-number="${number}"]`).waitFor();
    assertClean(page);
  });

  it('keeps the query of the visited address through sign-in', async () => {
    const page = await browser.newPage();
    await page.goto('/customer/tickets?status=open&category=technical');
    await page.waitForURL((u) => u.pathname === '/login');
    assert.equal(new URL(page.url()).searchParams.get('next'),
      '/customer/tickets?status=open&category=technical');
    await signIn(page, customer);
    await page.waitForURL('/customer/tickets?status=open&category=technical');
    assertClean(page);
  });

  it('maps a deep link into the other role\'s area to the user\'s own view', async () => {
    const asAgent = await browser.newPage({ user: agent });
    await asAgent.goto(`/customer/tickets/${number}`);
    await asAgent.waitForURL(`/agent/tickets/${number}`);
    await asAgent.locator('#requester').waitFor();
    await asAgent.goto('/customer/tickets');
    await asAgent.waitForURL((u) => u.pathname === '/agent/tickets');
    await asAgent.goto('/customer/settings');
    await asAgent.waitForURL('/agent/settings');
    assertClean(asAgent);

    const asCustomer = await browser.newPage({ user: customer });
    await asCustomer.goto(`/agent/tickets/${number}`);
    await asCustomer.waitForURL(`/customer/tickets/${number}`);
    await asCustomer.locator(`article#ticket[data-number="${number}"]`).waitFor();
    assert.equal(await asCustomer.locator('#requester').count(), 0);
    await asCustomer.goto('/agent/tickets');
    await asCustomer.waitForURL((u) => u.pathname === '/customer/tickets');
    await asCustomer.goto('/agent/settings');
    await asCustomer.waitForURL('/customer/settings');
    assertClean(asCustomer);
  });
});
