// Account security in the portal: two-factor setup on the settings page
// (the QR code as an image, the key as text, recovery codes shown once
// with a download), signing in with a code and with a recovery code, the
// password reset from the sign-in page to the mailed link, and staff sent
// to the setup when the service requires two-factor sign-in of them.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it, before } from 'node:test';
import { DESKTOP, PHONE, assertAccessible, assertClean, codeAt, eventually, makeUser, midStep,
  screenshot, staffTwoFactorFront, useBrowser } from './harness.mjs';

function psql(sql, ...args) {
  const vars = args.flatMap((a, i) => ['-v', `p${i + 1}=${a}`]);
  return execFileSync('psql', [process.env.TIX_DATABASE_URL, '-X', '-q', '-At',
    '-v', 'ON_ERROR_STOP=1', ...vars, '-f', '-'], { input: sql, encoding: 'utf8' }).trim();
}

// The setup on screen: the QR image has loaded; returns the key shown.
async function setupShown(page) {
  const qr = page.getByRole('img', { name: /QR code/ });
  await qr.waitFor();
  await eventually(async () => {
    const w = await qr.evaluate((img) => img.complete && img.naturalWidth);
    assert.ok(w > 0, 'the QR image loaded');
  });
  const secret = (await page.locator('#tfa-secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  return secret;
}

async function signInWithPassword(page, user) {
  await page.goto('/login');
  await page.locator('#login-email').fill(user.email);
  await page.locator('#login-password').fill(user.password);
  await page.locator('#login-submit').click();
}

describe('account security', { timeout: 180000 }, () => {
  const browser = useBrowser();
  let customer;

  before(() => {
    customer = makeUser('customer');
  });

  it('sets up two-factor sign-in with the QR code, then signs in with a code', async () => {
    const page = await browser.newPage({ user: customer });
    await page.goto('/customer/settings');
    await page.getByRole('heading', { level: 2, name: 'Security' }).waitFor();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const secret = await setupShown(page);
    await assertAccessible(page);
    await screenshot(page, 'security-2fa-setup');

    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.locator('#tfa-form [role=alert]').filter({ hasText: /\S/ }).waitFor();
    const step = await midStep();
    await page.getByLabel('Code from the app').fill(codeAt(secret, step));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.locator('#recovery-codes li');
    await eventually(async () => assert.equal(await codes.count(), 10));
    const list = (await codes.allTextContents()).map((s) => s.trim());
    const download = page.getByRole('link', { name: 'Download as text' });
    assert.equal(await download.getAttribute('download'), 'tix-recovery-codes.txt');
    const href = await download.getAttribute('href');
    assert.ok(href.startsWith('blob:'), href);
    // The download itself (the page's CSP keeps fetch() off blob: URLs).
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    assert.equal(file.suggestedFilename(), 'tix-recovery-codes.txt');
    const text = readFileSync(await file.path(), 'utf8');
    for (const c of list) assert.ok(text.includes(c), `${c} in the download`);
    await assertAccessible(page);
    await screenshot(page, 'security-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.locator('#tfa-on').waitFor();
    assertClean(page);

    // Sign in elsewhere: the code step after the password.
    const other = await browser.newPage();
    await signInWithPassword(other, customer);
    await other.getByRole('heading', { level: 1, name: 'Two-factor sign-in' }).waitFor();
    await assertAccessible(other);
    await other.getByLabel('Code').fill('123456');
    await other.getByRole('button', { name: 'Verify' }).click();
    await other.locator('#login-code-form [role=alert]').filter({ hasText: /\S/ }).waitFor();
    await other.getByLabel('Code').fill(codeAt(secret, step + 1));
    await other.getByRole('button', { name: 'Verify' }).click();
    await other.waitForURL('/customer/tickets');
    assertClean(other);

    // And with a recovery code.
    const third = await browser.newPage();
    await signInWithPassword(third, customer);
    await third.getByLabel('Code').fill(list[0]);
    await third.getByRole('button', { name: 'Verify' }).click();
    await third.waitForURL('/customer/tickets');
    assertClean(third);
  });

  it('resets a forgotten password from the sign-in page', async () => {
    const user = makeUser('customer');
    const page = await browser.newPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL('/reset-password');
    await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await assertAccessible(page);
    await page.getByLabel('Email').fill(user.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('a reset link is on its way').waitFor();

    const body = psql("SELECT body FROM outbox WHERE kind = 'password_reset'" +
      " AND recipient = :'p1' ORDER BY id DESC LIMIT 1", user.email);
    const link = /(\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(body);
    assert.ok(link, body);
    await page.goto(link[1]);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await assertAccessible(page);
    await page.getByLabel('New password', { exact: true }).fill('password123');
    await page.getByLabel('New password again').fill('password123');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.locator('[data-error-for=new_password]').filter({ hasText: /\S/ }).waitFor();
    // Digits as letters two apart: cracklib calls a run of neighbouring
    // characters ("3456") systematic.
    const fresh = 'Zq7-ckb5vL9-' + String(Date.now()).replace(/\d/g, (d) => 'acegikmoqs'[d]);
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('New password again').fill(fresh);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Password changed' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.locator('#login-email').fill(user.email);
    await page.locator('#login-password').fill(fresh);
    await page.locator('#login-submit').click();
    await page.waitForURL('/customer/tickets');
    // The link works once.
    await page.goto(link[1]);
    await page.getByLabel('New password', { exact: true }).fill(fresh + 'x');
    await page.getByLabel('New password again').fill(fresh + 'x');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('This link is used up or expired').waitFor();
    assertClean(page);
  });

  it('lists the sessions and revokes another one after asking', async () => {
    const user = makeUser('customer');
    const other = await browser.newPage({ user });
    const page = await browser.newPage({ user });
    await page.goto('/customer/settings');
    const rows = page.locator('#session-list tbody tr');
    await eventually(async () => assert.equal(await rows.count(), 2));
    await rows.filter({ hasText: 'This session' }).waitFor();
    const revoke = page.locator('#session-list').getByRole('button', { name: 'Revoke' });
    // Cancelled: nothing happens.
    await revoke.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await rows.count(), 2);
    await revoke.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke session' }).click();
    await page.getByText('Session revoked.').first().waitFor();
    await eventually(async () => assert.equal(await rows.count(), 1));
    // The other browser is signed out at its next request.
    await other.reload();
    await other.waitForURL((u) => u.pathname === '/login');
    assertClean(page);
  });

  it('sends staff without two-factor sign-in to its setup, then to the queue', async () => {
    // The service as it runs with TIX_REQUIRE_2FA_FOR_STAFF=1.
    const front = await staffTwoFactorFront();
    try {
      const agent = makeUser('agent');
      const page = await browser.newPage({ base: front.baseURL });
      await signInWithPassword(page, agent);
      await page.waitForURL((u) => u.pathname === '/setup-2fa');
      const heading = page.getByRole('heading', { level: 1, name: 'Set up two-factor sign-in' });
      await heading.waitFor();
      // Nothing else to go to: no links in the navigation, and any other
      // page of the portal leads back here.
      assert.equal(await page.locator('#nav a').count(), 0);
      await page.locator('#logout').waitFor();
      await page.goto('/agent/tickets');
      await page.waitForURL((u) => u.pathname === '/setup-2fa');
      await heading.waitFor();
      const secret = await setupShown(page);
      await assertAccessible(page);
      await screenshot(page, 'staff-2fa-setup');
      // On a phone: the QR code and the secret fit the screen.
      await page.setViewportSize(PHONE);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      assert.ok(scrollWidth <= innerWidth, `setup page ${scrollWidth} px wide in ${innerWidth}`);
      await screenshot(page, 'staff-2fa-setup-phone');
      await page.setViewportSize(DESKTOP);

      await page.getByLabel('Code from the app').fill(codeAt(secret, await midStep()));
      await page.getByRole('button', { name: 'Turn on' }).click();
      const codes = page.locator('#recovery-codes li');
      await eventually(async () => assert.equal(await codes.count(), 10));
      const download = page.getByRole('link', { name: 'Download as text' });
      const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
      const text = readFileSync(await file.path(), 'utf8');
      for (const c of await codes.allTextContents()) assert.ok(text.includes(c.trim()), c);
      await assertAccessible(page);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL('/agent/tickets');
      await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
      await page.locator('#nav a', { hasText: 'Settings' }).waitFor();
      assertClean(page);
    } finally {
      await front.stop();
    }
  });
});
