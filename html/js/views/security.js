// The Security part of the settings page: two-factor sign-in (setup with
// the QR code, GET /api/me/2fa/qr, as an <img>; recovery codes shown once
// with a download as text), the password, and the sessions with revoke.

import * as api from '../api.js';
import { h, field, notice, say, showFieldErrors, announce } from '../dom.js';
import { when, whenLong } from '../format.js';
import { failed, revokeConfirmed, tell } from '../revoke.js';

function timeOf(iso, user) {
  return h('time', { datetime: iso, title: whenLong(iso, user), text: when(iso, user) });
}

export function securitySection(ctx, sessions) {
  const heading = h('h2', { id: 'security-title', tabindex: '-1', text: 'Security' });
  return h('section.card', { id: 'security', 'aria-labelledby': heading.id }, heading,
    twoFactorPart(ctx), passwordPart(ctx), sessionsPart(ctx, sessions));
}

// ------------------------------------------------------------ 2FA

// Step 1 and 2 of the setup of the pending secret s (POST /api/me/2fa/setup):
// the QR code and the key for manual entry, then the code that proves the
// app has it.  onEnabled(recoveryCodes) once 2FA is on.
export function setupForm(ctx, s, onEnabled) {
  const error = notice('error');
  const code = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
    maxlength: 8, required: true, spellcheck: 'false' });
  const submit = h('button.primary', { type: 'submit', id: 'tfa-enable', text: 'Turn on' });
  const form = h('form', { id: 'tfa-form', novalidate: true },
    h('p', { text: '1. Scan this QR code with your authenticator app:' }),
    h('img', { id: 'tfa-qr', src: '/api/me/2fa/qr?v=' + Date.now(), width: 240,
      height: 240, alt: 'QR code to add this account to an authenticator app' }),
    h('p', {}, 'Or type this key into the app: ',
      h('code', { id: 'tfa-secret', text: s.secret })),
    h('p', { text: '2. Enter the 6-digit code the app shows:' }),
    error,
    field('Code from the app', code, 'code', 'tfa-'),
    h('div.actions', {}, submit));
  code.id = 'tfa-code';
  form.querySelector('label').htmlFor = 'tfa-code';
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    showFieldErrors(form, null);
    submit.disabled = true;
    try {
      const r = await api.post('/api/me/2fa/enable', { code: code.value.trim() });
      ctx.user.two_factor = true;
      onEnabled(r.recovery_codes);
      announce('Two-factor sign-in is on.');
    } catch (e) {
      if (e.fields) showFieldErrors(form, e.fields);
      failed(ctx, error, e);
      code.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// The recovery codes, shown once, right after 2FA is turned on, with a
// download as text; done() when the user has saved them (doneText).
export function codesView(ctx, codes, doneText, done) {
  const text = 'Tix recovery codes for ' + ctx.user.email + '\n' +
    'Each works once, instead of a code from the app.\n\n' + codes.join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const next = h('button', { type: 'button', id: 'tfa-codes-done', text: doneText });
  next.addEventListener('click', () => {
    URL.revokeObjectURL(url);
    done();
  });
  return [h('h3', { id: 'tfa-codes-title', tabindex: '-1', text: 'Two-factor sign-in is on' }),
    h('p.settings-note', { text: 'Save these recovery codes somewhere safe. Each signs you ' +
      'in once if you lose your phone. They are shown only now.' }),
    h('ul', { id: 'recovery-codes' }, codes.map((c) => h('li', {}, h('code', { text: c })))),
    h('div.actions', {},
      h('a.button', { href: url, download: 'tix-recovery-codes.txt', id: 'tfa-download',
        text: 'Download as text' }),
      next)];
}

function twoFactorPart(ctx) {
  const box = h('div', { id: 'two-factor' });
  const render = () => box.replaceChildren(...(ctx.user.two_factor ? onView() : offView()));

  function offView() {
    const error = notice('error');
    const start = h('button.primary', { type: 'button', id: 'tfa-start',
      text: 'Set up two-factor sign-in' });
    const slot = h('div', { id: 'tfa-setup' });
    start.addEventListener('click', async () => {
      say(error, '');
      start.disabled = true;
      try {
        const s = await api.post('/api/me/2fa/setup');
        slot.replaceChildren(setupForm(ctx, s, (codes) => {
          box.replaceChildren(...codesView(ctx, codes, 'I have saved them', render));
          document.getElementById('tfa-codes-title').focus();
        }));
        start.hidden = true;
        document.getElementById('tfa-code').focus();
      } catch (e) {
        failed(ctx, error, e);
      } finally {
        start.disabled = false;
      }
    });
    return [h('h3', { text: 'Two-factor sign-in' }),
      h('p.muted', { text: 'Off. With it on, signing in also asks for a code from an ' +
        'authenticator app on your phone.' }), error, start, slot];
  }

  function onView() {
    const error = notice('error');
    const password = h('input', { type: 'password', autocomplete: 'current-password',
      required: true });
    const code = h('input', { type: 'text', autocomplete: 'one-time-code', required: true,
      maxlength: 32, spellcheck: 'false' });
    const submit = h('button.danger', { type: 'submit', id: 'tfa-disable',
      text: 'Turn off two-factor sign-in' });
    const form = h('form', { id: 'tfa-disable-form', novalidate: true },
      error,
      field('Password', password, 'password', 'tfa-off-'),
      field('Code from the app, or a recovery code', code, 'code', 'tfa-off-'),
      h('div.actions', {}, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      say(error, '');
      showFieldErrors(form, null);
      submit.disabled = true;
      try {
        await api.post('/api/me/2fa/disable', { password: password.value,
          code: code.value.trim() });
        ctx.user.two_factor = false;
        render();
        announce('Two-factor sign-in is off.');
      } catch (e) {
        if (e.fields) showFieldErrors(form, e.fields);
        failed(ctx, error, e);
      } finally {
        submit.disabled = false;
      }
    });
    return [h('h3', { text: 'Two-factor sign-in' }),
      h('p', { id: 'tfa-on', text: 'On: signing in asks for a code from your app.' }), form];
  }

  render();
  return box;
}

// ------------------------------------------------------- password

function passwordPart(ctx) {
  const error = notice('error');
  const done = notice('status');
  const current = h('input', { type: 'password', autocomplete: 'current-password',
    required: true });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const submit = h('button.primary', { type: 'submit', id: 'password-submit',
    text: 'Change password' });
  const form = h('form', { id: 'password-form', novalidate: true },
    h('h3', { text: 'Password' }),
    h('p.muted', { text: 'At least 10 characters; not your email address and not a ' +
      'common or dictionary word. Your other sessions end when you change it.' }),
    error, done,
    field('Current password', current, 'current_password', 'pw-'),
    field('New password', next, 'new_password', 'pw-'),
    h('div.actions', {}, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    say(done, '');
    showFieldErrors(form, null);
    submit.disabled = true;
    try {
      await api.post('/api/me/password', { current_password: current.value,
        new_password: next.value });
      current.value = '';
      next.value = '';
      tell(done, 'Password changed. Your other sessions have ended.');
    } catch (e) {
      if (e.fields) showFieldErrors(form, e.fields);
      failed(ctx, error, e);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// ------------------------------------------------------- sessions

function sessionsPart(ctx, initial) {
  const error = notice('error');
  const status = notice('status');
  const body = h('tbody');
  const table = h('table.settings-tokens', { id: 'session-list' },
    h('caption.settings-sr', { text: 'Your sessions' }),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: 'Device' }),
      h('th', { scope: 'col', text: 'Address' }),
      h('th', { scope: 'col', text: 'Signed in' }),
      h('th', { scope: 'col', text: 'Last used' }),
      h('th', { scope: 'col' }, h('span.settings-sr', { text: 'Actions' })))),
    body);
  const others = h('button', { type: 'button', id: 'sessions-revoke-others',
    text: 'Sign out all other sessions' });

  function render(sessions) {
    body.replaceChildren(...sessions.map(row));
    others.hidden = !sessions.some((s) => !s.current);
  }

  function row(s) {
    const label = 'session-' + s.id + '-agent';
    const action = s.current
      ? h('span', { text: 'This session' })
      : h('button', { type: 'button', text: 'Revoke', 'aria-describedby': label,
        on: { click: (ev) => revoke(s, ev.target) } });
    return h('tr', { dataset: { sessionId: s.id } },
      h('td', {}, h('bdi', { id: label, text: s.user_agent || 'Unknown browser' })),
      h('td', { dataset: { label: 'Address' }, text: s.ip }),
      h('td', { dataset: { label: 'Signed in' } }, timeOf(s.created_at, ctx.user)),
      h('td', { dataset: { label: 'Last used' } }, timeOf(s.last_used_at, ctx.user)),
      h('td', {}, action));
  }

  async function reload() {
    render((await api.get('/api/me/sessions')).sessions);
  }

  async function revoke(s, button) {
    const done = await revokeConfirmed(ctx, {
      title: 'Revoke this session?',
      text: 'The browser "' + (s.user_agent || 'unknown') + '" is signed out at once.',
      confirmLabel: 'Revoke session',
      dialogId: 'revoke-session-dialog',
      path: '/api/me/sessions/' + encodeURIComponent(s.id),
      button, error, status, reload,
    });
    if (done) tell(status, 'Session revoked.');
  }

  others.addEventListener('click', async () => {
    say(error, '');
    try {
      await api.del('/api/me/sessions');
      await reload();
      tell(status, 'Your other sessions have ended.');
    } catch (e) {
      failed(ctx, error, e);
    }
  });

  render(initial);
  return h('div', { id: 'sessions' },
    h('h3', { text: 'Sessions' }),
    h('p.muted', { text: 'Where you are signed in. Revoke any you do not recognise.' }),
    error, status, table, h('div.actions', {}, others));
}
