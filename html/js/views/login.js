// /login: email and password; shows the API's error message.

import * as api from '../api.js';
import { h, notice, say } from '../dom.js';

export function loginView(ctx) {
  const error = notice('error');
  const email = h('input', { type: 'email', id: 'login-email', name: 'email',
    autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'login-password', name: 'password',
    autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', id: 'login-submit', text: 'Sign in' });
  const form = h('form.card.narrow', { id: 'login-form', novalidate: true },
    h('h1', { text: 'Sign in' }),
    error,
    h('div.field', {}, h('label', { for: 'login-email', text: 'Email' }), email),
    h('div.field', {}, h('label', { for: 'login-password', text: 'Password' }), password),
    h('div.actions', {}, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    submit.disabled = true;
    try {
      const user = await api.login(email.value.trim(), password.value);
      ctx.signedIn(user);
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
