// /login: email and password, then, for an account with two-factor
// login, the code from the authenticator app (or a recovery code); shows
// the API's error message.  After sign-in the user goes to ?next= when it
// is one of the portal's own paths, else to their list.

import * as api from '../api.js';
import { h, notice, say } from '../dom.js';

// Only a path of this site: "/x", never "//host" or "/\host".  Browsers
// drop tabs and newlines from a URL ("/\t/host" is "//host"): no control
// character, space or backslash anywhere.
export function safeNext(next) {
  if (!next || /[\u0000-\u0020\u007f\\]/.test(next)) return null;
  if (next[0] !== '/' || next[1] === '/') return null;
  if (next.startsWith('/login') || next.startsWith('/api/') ||
      next.startsWith('/reset-password') || next.startsWith('/setup-2fa')) return null;
  return next;
}

export function loginView(ctx) {
  const error = notice('error');
  const email = h('input', { type: 'email', id: 'login-email', name: 'email',
    autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'login-password', name: 'password',
    autocomplete: 'current-password', required: true });
  const submit = h('button.primary', { type: 'submit', id: 'login-submit', text: 'Sign in' });
  const form = h('form.card.narrow', { id: 'login-form', novalidate: true },
    h('h1', { text: 'Sign in' }),
    h('p.muted', { text: 'Sign in to open and follow your support tickets.' }),
    error,
    h('div.field', {}, h('label', { for: 'login-email', text: 'Email' }), email),
    h('div.field', {}, h('label', { for: 'login-password', text: 'Password' }), password),
    h('div.actions', {}, submit),
    h('p', {}, h('a', { href: '/reset-password', id: 'forgot-link',
      text: 'Forgot your password?' })));
  const wrap = h('div', {}, form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    if (!email.value.trim() || !password.value) {
      say(error, 'Enter your email and password.');
      (email.value.trim() ? password : email).focus();
      return;
    }
    submit.disabled = true;
    try {
      const r = await api.login(email.value.trim(), password.value);
      if (r.challenge) {
        wrap.replaceChildren(codeStep(ctx, r.challenge));
        document.getElementById('login-code').focus();
        return;
      }
      ctx.signedIn(r.user, safeNext(ctx.query.get('next')));
    } catch (e) {
      say(error, e.message);
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return wrap;
}

// The second step: a code of the app, or one of the recovery codes.
function codeStep(ctx, challenge) {
  const error = notice('error');
  const hint = h('span.settings-hint', { id: 'login-code-hint',
    text: 'The 6-digit code your authenticator app shows now, or one of your recovery codes.' });
  const code = h('input', { type: 'text', id: 'login-code', name: 'code',
    autocomplete: 'one-time-code', inputmode: 'text', spellcheck: 'false',
    maxlength: 32, required: true, 'aria-describedby': 'login-code-hint' });
  const submit = h('button.primary', { type: 'submit', id: 'login-code-submit',
    text: 'Verify' });
  const form = h('form.card.narrow', { id: 'login-code-form', novalidate: true },
    h('h1', { text: 'Two-factor sign-in' }),
    error,
    h('div.field', {}, h('label', { for: 'login-code', text: 'Code' }), hint, code),
    h('div.actions', {}, submit),
    h('p', {}, h('a', { href: '/login', text: 'Start again' })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    if (!code.value.trim()) {
      say(error, 'Enter the code.');
      code.focus();
      return;
    }
    submit.disabled = true;
    try {
      const user = await api.loginCode(challenge, code.value.trim());
      ctx.signedIn(user, safeNext(ctx.query.get('next')));
    } catch (e) {
      say(error, e.status === 401
        ? 'That code did not work. Try the current one, or start again after five tries.'
        : e.message);
      code.value = '';
      code.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
