// /login: email and password; shows the API's error message.  After
// sign-in the user goes to ?next= when it is one of the portal's own
// paths, else to their list.

import * as api from '../api.js';
import { h, notice, say } from '../dom.js';

// Only a path of this site: "/x", never "//host" or "/\host".
export function safeNext(next) {
  if (!next || next[0] !== '/' || next[1] === '/' || next[1] === '\\') return null;
  if (next.startsWith('/login') || next.startsWith('/api/')) return null;
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
    h('div.actions', {}, submit));
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
      const user = await api.login(email.value.trim(), password.value);
      ctx.signedIn(user, safeNext(ctx.query.get('next')));
    } catch (e) {
      say(error, e.message);
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
