// /customer/settings and /agent/settings: the user's notification
// preferences (GET/PUT /api/me/preferences), personal API tokens
// (GET/POST /api/me/tokens, DELETE /api/me/tokens/{id}) and Security
// (security.js: two-factor sign-in, the password, the sessions).
//
// A new token's secret is shown once, right after it is made: the server
// keeps only its hash, so it is not in the list and not kept here either
// (it leaves the page with the next render).  Revoking asks first, in a
// modal dialog, because a program using the token stops working at once.

import * as api from '../api.js';
import { h, field, notice, say, showFieldErrors } from '../dom.js';
import { when, whenLong } from '../format.js';
import { failed, revokeConfirmed, tell } from '../revoke.js';
import { securitySection } from './security.js';

const EMAIL_SWITCHES = [
  ['email_on_reply', 'Replies to my tickets'],
  ['email_on_status', 'Status changes'],
  ['email_on_assigned', 'Assignment'],
];

export async function settingsView(ctx) {
  const [prefs, tokens, sessions] = await Promise.all([
    api.get('/api/me/preferences').then((r) => r.preferences),
    api.get('/api/me/tokens').then((r) => r.tokens),
    api.get('/api/me/sessions').then((r) => r.sessions),
  ]);
  return h('div.settings', { id: 'settings' },
    h('h1', { text: 'Settings' }),
    preferencesForm(ctx, prefs),
    tokenSection(ctx, tokens),
    securitySection(ctx, sessions));
}

// A section with an h2 that names it (a landmark region).
function section(id, title, ...children) {
  const heading = h('h2', { id: id + '-title', tabindex: '-1', text: title });
  return h('section.card', { id, 'aria-labelledby': heading.id }, heading, children);
}

// A checkbox before its label, with a slot for a 422 message.
function checkbox(label, name, checked) {
  const id = 'f-' + name;
  const box = h('input', { type: 'checkbox', id, name, checked: Boolean(checked) });
  const err = h('span.field-error', { id: id + '-error', dataset: { errorFor: name } });
  box.setAttribute('aria-describedby', err.id);
  return h('div.settings-check', {}, box, h('label', { for: id, text: label }), err);
}

// A field with a hint under the label, read out with the control.
function hinted(wrap, control, hintText) {
  const hint = h('span.settings-hint', { id: control.id + '-hint', text: hintText });
  wrap.insertBefore(hint, control);
  control.setAttribute('aria-describedby',
    hint.id + ' ' + control.getAttribute('aria-describedby'));
  return wrap;
}

function preferencesForm(ctx, prefs) {
  const error = notice('error');
  const saved = notice('status');
  const number = h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'tel',
    maxlength: 24, placeholder: '+15551234567', value: prefs.sms_number || '' });
  const submit = h('button.primary', { type: 'submit', id: 'prefs-submit',
    text: 'Save preferences' });
  const form = h('form', { id: 'preferences-form', novalidate: true },
    error,
    section('email-notifications', 'Email notifications',
      h('p.muted', { text: 'Send me an email about:' }),
      EMAIL_SWITCHES.map(([name, label]) => checkbox(label, name, prefs[name]))),
    section('text-messages', 'Text messages',
      hinted(field('Mobile number', number, 'sms_number'), number,
        'In international form with the country code, like +15551234567.'),
      checkbox('Send text messages', 'sms_enabled', prefs.sms_enabled)),
    h('div.actions.settings-save', {}, saved, submit));

  form.addEventListener('input', () => say(saved, ''));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    say(saved, '');
    showFieldErrors(form, null);
    const el = form.elements;
    const body = {};
    for (const [name] of EMAIL_SWITCHES) body[name] = el[name].checked;
    // Spaces, dots, dashes and brackets are only how people write numbers.
    body.sms_number = number.value.replace(/[\s().-]/g, '') || null;
    body.sms_enabled = el.sms_enabled.checked;
    submit.disabled = true;
    try {
      const r = await api.put('/api/me/preferences', body);
      const p = r.preferences;
      for (const [name] of EMAIL_SWITCHES) el[name].checked = Boolean(p[name]);
      el.sms_enabled.checked = Boolean(p.sms_enabled);
      number.value = p.sms_number || '';
      tell(saved, 'Preferences saved.');
    } catch (e) {
      if (e.fields) {
        showFieldErrors(form, e.fields);
        const bad = Object.keys(e.fields).map((n) => el[n]).find(Boolean);
        if (bad) bad.focus();
      }
      failed(ctx, error, e);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// <time> in the account's timezone, the zone named in the tooltip.
function timeOf(iso, user) {
  return h('time', { datetime: iso, title: whenLong(iso, user), text: when(iso, user) });
}

function tokenSection(ctx, initial) {
  const error = notice('error');
  const status = notice('status');
  const name = h('input', { type: 'text', maxlength: 100, required: true,
    autocomplete: 'off' });
  // 'f-name' alone would be too generic an id: the prefix keeps it apart.
  const nameField = field('Token name', name, 'name', 'token-');
  const create = h('button.primary', { type: 'submit', id: 'token-create',
    text: 'Create token' });
  const form = h('form', { id: 'token-form', novalidate: true },
    hinted(nameField, name, 'Say where it is used, like "Nightly export".'),
    h('div.actions', {}, create));
  const secretSlot = h('div', { id: 'new-token' });
  const body = h('tbody');
  const table = h('table.settings-tokens', { id: 'token-list' },
    h('caption.settings-sr', { text: 'Your API tokens' }),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: 'Name' }),
      h('th', { scope: 'col', text: 'Created' }),
      h('th', { scope: 'col', text: 'Last used' }),
      h('th', { scope: 'col' }, h('span.settings-sr', { text: 'Actions' })))),
    body);
  const empty = h('p.muted', { id: 'token-empty', text: 'You have no API tokens.' });
  const sec = section('api-tokens', 'API tokens',
    h('p.muted', { text: 'A token lets a program use the API as you: send it as ' +
      'the header "Authorization: Bearer <token>".' }),
    error, status, form, secretSlot, table, empty);
  const heading = sec.querySelector('h2');
  let shownId = null; // the token whose secret is on the page

  function render(tokens) {
    body.replaceChildren(...tokens.map((t) => tokenRow(t)));
    table.hidden = tokens.length === 0;
    empty.hidden = tokens.length !== 0;
  }

  function tokenRow(t) {
    const nameId = 'token-' + t.id + '-name';
    const revoke = h('button', { type: 'button', text: 'Revoke',
      'aria-describedby': nameId, on: { click: () => revokeToken(t, revoke) } });
    return h('tr', { dataset: { tokenId: t.id } },
      h('td', {}, h('bdi', { id: nameId, text: t.name })),
      h('td', { dataset: { label: 'Created' } }, timeOf(t.created_at, ctx.user)),
      h('td', { dataset: { label: 'Last used' } },
        t.last_used_at ? timeOf(t.last_used_at, ctx.user) : 'Never'),
      h('td', {}, revoke));
  }

  async function reload() {
    const r = await api.get('/api/me/tokens');
    render(r.tokens);
  }

  async function revokeToken(t, button) {
    const done = await revokeConfirmed(ctx, {
      title: 'Revoke this token?',
      text: 'Programs that use "' + t.name + '" stop working at once. This cannot be undone.',
      confirmLabel: 'Revoke token',
      dialogId: 'revoke-dialog',
      path: '/api/me/tokens/' + encodeURIComponent(t.id),
      button, error, status, reload,
    });
    if (!done) return;
    if (t.id === shownId) {
      secretSlot.replaceChildren();
      shownId = null;
    }
    tell(status, 'Token "' + t.name + '" revoked.');
    heading.focus();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    say(status, '');
    showFieldErrors(form, null);
    secretSlot.replaceChildren();
    shownId = null;
    if (!name.value.trim()) {
      showFieldErrors(form, { name: 'Give the token a name.' });
      name.focus();
      return;
    }
    create.disabled = true;
    try {
      const t = await api.post('/api/me/tokens', { name: name.value.trim() });
      name.value = '';
      secretSlot.replaceChildren(secretBox(t));
      shownId = t.id;
      tell(status, 'Token "' + t.name + '" created.');
      document.getElementById('new-token-secret').select();
      document.getElementById('new-token-secret').focus();
      await reload();
    } catch (e) {
      if (e.fields) showFieldErrors(form, e.fields);
      failed(ctx, error, e);
    } finally {
      create.disabled = false;
    }
  });

  render(initial);
  return sec;
}

// The secret of a token just made: read-only, selectable, with a copy
// button where the browser allows it.
function secretBox(t) {
  const note = h('p.settings-note', { id: 'new-token-note',
    text: 'Copy this token now: it is shown only this once. ' +
      'If you lose it, revoke it and create a new one.' });
  const secret = h('input.settings-secret', { type: 'text', id: 'new-token-secret',
    readonly: true, value: t.token, spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': note.id });
  const copied = notice('status');
  const copy = navigator.clipboard ? h('button', { type: 'button', text: 'Copy token',
    on: { click: async () => {
      try {
        await navigator.clipboard.writeText(secret.value);
        say(copied, 'Copied.');
      } catch (e) {
        secret.select();
        say(copied, 'Select the token and copy it.');
      }
    } } }) : null;
  return h('div.settings-new-token', { role: 'group', 'aria-labelledby': 'new-token-label' },
    h('label', { for: secret.id, id: 'new-token-label',
      text: 'New token "' + t.name + '"' }),
    h('div.settings-secret-row', {}, secret, copy),
    note, copied);
}
