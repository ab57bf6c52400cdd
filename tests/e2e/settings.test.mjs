// Settings: notification preferences that stay after a reload, and
// personal API tokens (the secret shown once, revoking ends it).

import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { Api, assertClean, baseURL, eventually, makeUser, uniqueWord, useBrowser } from './harness.mjs';

describe('settings', { timeout: 120000 }, () => {
  const browser = useBrowser();
  let customer, api;

  before(async () => {
    customer = makeUser('customer');
    api = await Api.login(customer);
  });

  it('keeps a changed preference after a reload', async () => {
    const page = await browser.newPage({ user: customer });
    await page.goto('/customer/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    for (const section of ['Email notifications', 'Text messages', 'API tokens']) {
      await page.getByText(section, { exact: true }).first().waitFor();
    }
    // All on by default (once the preferences have loaded).
    const status = page.getByRole('checkbox', { name: 'Status changes' });
    await eventually(async () => {
      for (const name of ['Replies to my tickets', 'Status changes', 'Assignment']) {
        assert.equal(await page.getByRole('checkbox', { name }).isChecked(), true, name);
      }
    });

    await status.uncheck();
    await page.getByLabel('Mobile number').fill('+15551234567');
    await page.getByRole('checkbox', { name: 'Send text messages' }).check();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Preferences saved.').first().waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await eventually(async () => assert.equal(await status.isChecked(), false));
    assert.equal(await page.getByLabel('Mobile number').inputValue(), '+15551234567');
    assert.equal(await page.getByRole('checkbox', { name: 'Send text messages' }).isChecked(), true);
    const { preferences } = await api.get('/api/me/preferences');
    assert.equal(preferences.email_on_status, false);
    assert.equal(preferences.sms_enabled, true);
    assertClean(page);
  });

  it('creates an API token, shows its secret once, and revokes it', async () => {
    const page = await browser.newPage({ user: customer });
    await page.goto('/customer/settings');
    const name = `build server ${uniqueWord()}`;
    await page.getByLabel('Token name').fill(name);
    await page.getByRole('button', { name: 'Create token' }).click();
    // The secret may be the element's text or, to copy it, a field's value.
    const secret = await eventually(async () => {
      const s = (await page.locator('#new-token-secret').evaluate((e) =>
        (e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement ? e.value : e.textContent))).trim();
      assert.ok(s.length >= 20, `the secret shown: ${s}`);
      return s;
    });
    const me = (token) => fetch(baseURL + '/api/auth/me', { headers: { Authorization: `Bearer ${token}` } });
    assert.equal((await me(secret)).status, 200, 'the token shown works');
    const row = page.locator('table tr').filter({ hasText: name });
    await row.waitFor();

    await page.reload();
    await row.waitFor();
    const shownAgain = await page.evaluate((s) => document.body.textContent.includes(s) ||
      [...document.querySelectorAll('input, textarea')].some((e) => e.value.includes(s)), secret);
    assert.equal(shownAgain, false, 'the secret is shown again after a reload');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: /Revoke/ }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await me(secret)).status, 401, 'a revoked token still works');
    assertClean(page);
  });
});
